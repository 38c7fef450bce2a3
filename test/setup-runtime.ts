import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO; tests only want warnings. The Runtime can be
// installed once per process, and a fork may run several test files.
const flag = Symbol.for('rentprog-flow.test-runtime-installed');
const global = globalThis as { [flag]?: boolean };
if (!global[flag]) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  global[flag] = true;
}
