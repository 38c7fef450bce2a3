import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  classifyStartError,
  TemporalRefusedError,
  TemporalUnavailableError,
} from '../../src/ingress/start-errors.js';
import { type BreakerState, TemporalBreaker } from '../../src/ingress/temporal-breaker.js';

/** What @temporalio/client throws: a ServiceError whose cause is the gRPC error with its code. */
const serviceError = (code: number, details: string) =>
  Object.assign(new Error('Failed to start Workflow'), {
    cause: Object.assign(new Error(`${code} ${details}`), { code, details }),
  });

describe('sorting workflow-start errors', () => {
  it.each([
    ['UNAVAILABLE', serviceError(14, 'No connection established')],
    ['DEADLINE_EXCEEDED', serviceError(4, 'Deadline exceeded after 2.001s')],
    ['RESOURCE_EXHAUSTED', serviceError(8, 'namespace rate limit exceeded')],
    ['a refused connection without a gRPC code', new Error('connect ECONNREFUSED 127.0.0.1:7233')],
  ])('%s means Temporal is away: spool', (_name, err) => {
    expect(classifyStartError(err, 'rentprog-event:tbilisi:1')).toBeInstanceOf(TemporalUnavailableError);
  });

  it('an input over the blob limit is refused, and it is the input that was refused', () => {
    const refused = classifyStartError(serviceError(3, 'Blob data size exceeds limit.'), 'wf');
    expect(refused).toBeInstanceOf(TemporalRefusedError);
    expect((refused as TemporalRefusedError).inputRefused).toBe(true);
    expect(refused.message).toContain('INVALID_ARGUMENT');
  });

  it.each([
    ['an unknown namespace', serviceError(5, 'Namespace no-such-namespace is not found.')],
    ['an undefined search attribute', serviceError(3, 'search attribute RentProgBranch is not defined')],
    ['no permission', serviceError(7, 'Request unauthorized.')],
  ])('%s is refused for good, and not about the input', (_name, err) => {
    const refused = classifyStartError(err, 'wf');
    expect(refused).toBeInstanceOf(TemporalRefusedError);
    expect((refused as TemporalRefusedError).inputRefused).toBe(false);
  });
});

describe('the breaker', () => {
  afterEach(() => vi.useRealTimers());

  it('opens on a failed start, goes half-open when the probe answers, closes on a start that went through', async () => {
    vi.useFakeTimers();
    let answers = false;
    const states: BreakerState[] = [];
    const breaker = new TemporalBreaker({
      probe: () => Promise.resolve(answers),
      logger: pino({ level: 'silent' }),
      intervalMs: 1000,
      onChange: (state) => states.push(state),
    });
    expect(breaker.spoolsAtOnce()).toBe(false);
    breaker.trip('Temporal is away');
    breaker.trip('again');
    expect(breaker.state).toBe('open');
    await vi.advanceTimersByTimeAsync(5000);
    expect(breaker.state).toBe('open');
    answers = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.spoolsAtOnce()).toBe(true);
    breaker.close();
    expect(breaker.spoolsAtOnce()).toBe(false);
    expect(states).toEqual(['open', 'half-open', 'closed']);
    breaker.stop();
  });

  it('goes back to open when a start in half-open finds Temporal away again', async () => {
    vi.useFakeTimers();
    const breaker = new TemporalBreaker({
      probe: () => Promise.resolve(true),
      logger: pino({ level: 'silent' }),
    });
    breaker.trip('away');
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    breaker.trip('the relay’s start timed out');
    expect(breaker.state).toBe('open');
    breaker.stop();
  });
});
