import { Connection } from '@temporalio/client';

/**
 * The ingress's connection to Temporal: lazy, so the ingress starts (and spools) while
 * Temporal is down, and quick to reconnect, because gRPC's default backoff grows to two
 * minutes and the spool should drain within seconds of Temporal coming back.
 */
export function ingressConnection(address: string): Connection {
  return Connection.lazy({
    address,
    channelArgs: {
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.min_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2000,
    },
  });
}
