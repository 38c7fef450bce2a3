import {
  type DatasetShape,
  type Entity,
  generateBooking,
  generateCar,
  generateClient,
  idOf,
  ID_SPACE,
  locate,
  type SimEntity,
} from './dataset.js';

const GENERATORS = { car: generateCar, client: generateClient, booking: generateBooking } as const;

/**
 * One branch's data. Entities are generated on demand from the seed, so 100,000
 * bookings cost no memory until changed; changes live in an overlay, and deleted or
 * archived entities in a sorted list of hidden indices.
 */
export class BranchData {
  private readonly counts: Record<SimEntity, number>;
  private readonly overlay: Record<SimEntity, Map<number, Entity>> = {
    car: new Map(),
    client: new Map(),
    booking: new Map(),
  };
  private readonly deleted: Record<SimEntity, Set<number>> = {
    car: new Set(),
    client: new Set(),
    booking: new Set(),
  };
  /** Indices left out of lists (deleted, or archived bookings), kept sorted. */
  private readonly hidden: Record<SimEntity, number[]> = { car: [], client: [], booking: [] };

  constructor(
    readonly name: string,
    private readonly shape: DatasetShape,
    bookings: number,
  ) {
    this.counts = { car: shape.cars, client: shape.clients, booking: bookings };
  }

  get companyId(): number {
    return this.shape.companyId;
  }

  count(kind: SimEntity): number {
    return this.counts[kind] - this.hidden[kind].length;
  }

  /** The entity with this id, if it belongs to this branch and is not deleted. */
  get(kind: SimEntity, id: number): Entity | undefined {
    const place = locate(kind, id);
    if (!place || place.branchNo !== this.shape.branchNo || place.index >= this.counts[kind])
      return undefined;
    if (this.deleted[kind].has(place.index)) return undefined;
    return this.overlay[kind].get(place.index) ?? GENERATORS[kind](this.shape, place.index);
  }

  /** Visible entities `offset … offset+limit-1` in id order, skipping hidden ones. */
  list(kind: SimEntity, offset: number, limit: number): Entity[] {
    const hidden = this.hidden[kind];
    let index = offset;
    for (const h of hidden) if (h <= index) index++;
    const items: Entity[] = [];
    let next = 0;
    while (next < hidden.length && hidden[next]! < index) next++;
    for (; index < this.counts[kind] && items.length < limit; index++) {
      if (hidden[next] === index) {
        next++;
        continue;
      }
      items.push(this.overlay[kind].get(index) ?? GENERATORS[kind](this.shape, index));
    }
    return items;
  }

  /** Applies `changes` and returns the before and after versions. */
  update(kind: SimEntity, id: number, changes: Record<string, unknown>): { before: Entity; after: Entity } {
    const before = this.get(kind, id);
    if (!before) throw new Error(`${kind} ${id} is not in ${this.name}`);
    const after: Entity = { ...before, ...changes, id };
    this.overlay[kind].set(locate(kind, id)!.index, after);
    if (kind === 'booking' && after.archive === true && before.archive !== true) this.hide(kind, id);
    return { before, after };
  }

  create(kind: SimEntity, fields: Record<string, unknown>): Entity {
    const index = this.counts[kind];
    if (index >= ID_SPACE[kind].perBranch) throw new Error(`no more ${kind} ids in ${this.name}`);
    this.counts[kind]++;
    const entity = {
      ...GENERATORS[kind](this.shape, index),
      ...fields,
      id: idOf(kind, this.shape.branchNo, index),
    };
    this.overlay[kind].set(index, entity);
    return entity;
  }

  delete(kind: SimEntity, id: number): Entity {
    const entity = this.get(kind, id);
    if (!entity) throw new Error(`${kind} ${id} is not in ${this.name}`);
    this.hide(kind, id);
    this.deleted[kind].add(locate(kind, id)!.index);
    return entity;
  }

  private hide(kind: SimEntity, id: number): void {
    const index = locate(kind, id)!.index;
    const hidden = this.hidden[kind];
    if (hidden.includes(index)) return;
    hidden.push(index);
    hidden.sort((a, b) => a - b);
  }
}

export interface SimulatedBranch {
  name: string;
  /** The company token this branch's `get_token` accepts. */
  companyToken: string;
  bookings?: number;
  cars?: number;
  clients?: number;
}

const FIRST_COMPANY_ID = 70_001;

/** Every branch's data from the seed; cars and clients follow bookings at 1:25 and 2:5 unless given. */
export function seedBranches(
  branches: SimulatedBranch[],
  options: { seed: number; scale: number; referenceDate: Date },
): Map<string, BranchData> {
  const { seed, scale, referenceDate } = options;
  return new Map(
    branches.map((branch, branchNo) => {
      const bookings = branch.bookings ?? scale;
      const shape = {
        seed,
        branchNo,
        companyId: FIRST_COMPANY_ID + branchNo,
        cars: branch.cars ?? Math.max(1, Math.round(bookings / 25)),
        clients: branch.clients ?? Math.max(1, Math.round((bookings * 2) / 5)),
        referenceDate,
      };
      return [branch.name, new BranchData(branch.name, shape, bookings)];
    }),
  );
}
