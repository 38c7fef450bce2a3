import { installRuntime } from '../src/temporal/install-runtime.js';

// Workers log every state change at INFO; tests only want warnings. The Runtime can be
// installed once per process, and a fork may run several test files.
const flag = Symbol.for('rentprog-flow.test-runtime-installed');
const global = globalThis as { [flag]?: boolean };
if (!global[flag]) {
  installRuntime({ level: 'WARN' });
  global[flag] = true;
}
