import { Connection } from '@temporalio/client';

/**
 * The ingress's connection to Temporal: lazy, so the ingress starts (and spools) while
 * Temporal is down; quick to reconnect, because gRPC's default backoff grows to two
 * minutes and the spool should drain within seconds of Temporal coming back; and without
 * the SDK's retry interceptor. The spool is the ingress's retry: a start that fails is
 * spooled at once and relayed later, so retrying inside the call would only hold the
 * webhook's answer until the deadline (five seconds of every webhook in an outage).
 */
export function ingressConnection(address: string): Connection {
  return Connection.lazy({ address, interceptors: [], channelArgs: FAST_RECONNECT });
}

/** Reconnect within two seconds of the server coming back, not gRPC's two minutes. */
export const FAST_RECONNECT = {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.min_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2000,
};
