/**
 * A RentProg webhook after parsing and normalization: what the event workflow gets.
 * Plain JSON (it is a workflow input), and no secrets: the branch name, not its token.
 */
export interface RentProgEvent {
  /** SHA-256 of the branch and the canonical event; the workflow id is built from it. */
  eventId: string;
  /**
   * `booking.created`, `booking.updated`, `booking.issue.planned`, `booking.return.planned`,
   * `car.moved` (normalize-event.ts), or `rentprog.<raw event>` for the rest (never dropped).
   */
  type: string;
  branch: string;
  /** `booking`, `car`, `client`, or the prefix of an unknown event name (`count`, …). */
  entity: string;
  rentprogId: number;
  /** Changed attributes as `[old, new]`; created attributes as `[null, value]`. */
  changes: Record<string, [unknown, unknown]>;
  receivedAt: string;
  rawEvent: string;
  /** The workflow stays open this long after `receivedAt`, answering repeats as duplicates. */
  dedupWindowMs?: number;
}

/** The entities we fetch and store; other events are recorded but have nothing to fetch. */
export const STORED_ENTITIES = ['booking', 'car', 'client'] as const;
export type StoredEntity = (typeof STORED_ENTITIES)[number];

export const isStoredEntity = (entity: string): entity is StoredEntity =>
  (STORED_ENTITIES as readonly string[]).includes(entity);

export const isDestroyEvent = (event: Pick<RentProgEvent, 'rawEvent'>) => event.rawEvent.endsWith('_destroy');
