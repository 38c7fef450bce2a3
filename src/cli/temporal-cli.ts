import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** The repository root: `src/cli/` and `lib/cli/` both sit two levels below it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LOCAL_TEMPORAL_BIN = path.join(PROJECT_ROOT, '.temporal', 'bin');

export class TemporalCliError extends Error {
  override name = 'TemporalCliError';
}

const isExecutable = (file: string) =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Where a built CLI lives (`.temporal/bin`). */
  localBin?: string;
  /** Where Go usually is when it is not on PATH. */
  goFallbacks?: string[];
}

/** Finds a Temporal CLI without building one: TEMPORAL_CLI, then PATH, then `.temporal/bin`. */
export async function findTemporalCli(options: EnsureOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  if (env.TEMPORAL_CLI) {
    if (await isExecutable(env.TEMPORAL_CLI)) return env.TEMPORAL_CLI;
    throw new TemporalCliError(`TEMPORAL_CLI points at ${env.TEMPORAL_CLI}, which is not an executable file`);
  }
  const local = path.join(options.localBin ?? LOCAL_TEMPORAL_BIN, 'temporal');
  return (await onPath('temporal', env)) ?? ((await isExecutable(local)) ? local : undefined);
}

async function findGo(options: EnsureOptions): Promise<string | undefined> {
  const fromPath = await onPath('go', options.env ?? process.env);
  if (fromPath) return fromPath;
  for (const candidate of options.goFallbacks ?? ['/usr/local/go/bin/go']) {
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Returns the path of a Temporal CLI, building it with `go install` into `.temporal/bin`
 * when none is found. Only the Go module proxy is contacted; nothing else is downloaded.
 */
export async function ensureTemporalCli(options: EnsureOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = await findTemporalCli(options);
  if (found) return found;

  const go = await findGo(options);
  if (!go) {
    throw new TemporalCliError(
      [
        'No Temporal CLI found (checked TEMPORAL_CLI, PATH and .temporal/bin) and no Go toolchain to build one.',
        'Install one of:',
        '  - Go 1.24+ (https://go.dev/dl/), then run `npm run temporal:ensure` again;',
        '  - the Temporal CLI: `brew install temporal`, or the official install script from docs.temporal.io;',
        '  - or point TEMPORAL_CLI at an existing `temporal` binary.',
      ].join('\n'),
    );
  }
  log(`Building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into .temporal/bin with Go.`);
  log('This takes a few minutes the first time; later runs reuse it.');
  const started = Date.now();
  const localBin = options.localBin ?? LOCAL_TEMPORAL_BIN;
  await run(go, ['install', TEMPORAL_CLI_MODULE], { ...env, GOBIN: localBin });
  const built = path.join(localBin, 'temporal');
  if (!(await isExecutable(built))) throw new TemporalCliError(`go install finished but ${built} is missing`);
  log(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // Go's progress goes to our stderr so stdout stays the single path line.
    const child = spawn(command, args, { env, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new TemporalCliError(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}
