import { ensureTemporalCli } from './temporal-cli.js';

/** `npm run temporal:ensure`: prints the path of a Temporal CLI, building it if needed. */
ensureTemporalCli()
  .then((cliPath) => console.log(cliPath))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
