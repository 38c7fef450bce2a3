/**
 * What the benchmarks share: a fresh Postgres database, the real service as a child
 * process (so its peak RSS is its own), and readings of its /metrics and /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';

export { freePort } from '../drills/harness/free-port.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one benchmark run, dropped afterwards. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `rentprog_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface ChildService {
  child: ChildProcess;
  peakRssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs Node with `args` in a child process with exactly `env` (plus PATH). */
export function spawnChild(
  args: string[],
  env: Record<string, string>,
  stdout: 'ignore' | 'pipe' = 'ignore',
): ChildService {
  // BENCH_PROFILE_DIR=dir: every child writes a V8 CPU profile there when it exits.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  return {
    child,
    peakRssMb: () => peakRssMb(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** The service (`rentprog-flow start --role …`) with the given environment. */
export function spawnService(role: 'all' | 'worker', env: Record<string, string>): ChildService {
  return spawnChild(['bin/rentprog-flow.js', 'start', '--role', role], env);
}

/** A process's high-water mark of resident memory, from /proc (Linux). */
export async function peakRssMb(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The sum of a Prometheus series over every label set that has all of `labels`. */
export async function scrapeSum(
  metricsUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (child && child.exitCode !== null)
      throw new Error(`${what}: the service exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what}: not done in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const quantile = (sorted: number[], q: number) =>
  Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0);
