import { CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.js';
import { runProgram } from './program.js';

/** Exit code of a usage error (unknown command or option, a bad value), as shells expect. */
const USAGE = 2;

const verbose = process.argv.includes('--verbose');
runProgram(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    // Commander has printed the message and the usage already; `--help` lands here too, with 0.
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : USAGE);
    // Operators get one clear line; the stack only with --verbose.
    if (err instanceof ConfigError) console.error(err.message);
    else if (verbose && err instanceof Error) console.error(err.stack);
    else console.error(`rentprog-flow: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
