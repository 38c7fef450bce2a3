import { parseRentProgLocalTime } from '../src/time/local-time.js';
import type { Entity, SimEntity } from '../src/simulator/dataset.js';
import type { Simulator } from '../src/simulator/simulator.js';
import type { Queryable } from '../src/store/db.js';

/** The key columns of each table, and the same fields as the simulator holds them. */
const COMPARED: Record<SimEntity, { sql: string; fromSimulator: (e: Entity) => Record<string, unknown> }> = {
  booking: {
    sql: `SELECT rentprog_id AS id, state, car_id, client_id, total::float AS total, start_at FROM bookings
           WHERE branch = $1 AND deleted_at IS NULL ORDER BY rentprog_id`,
    fromSimulator: (b) => ({
      id: b.id,
      state: b.state,
      car_id: b.car_id,
      client_id: b.client_id,
      total: b.total,
      start_at: parseRentProgLocalTime(b.start_date as string, 'Asia/Tbilisi'),
    }),
  },
  car: {
    sql: `SELECT rentprog_id AS id, number, car_name, state, company_id, mileage FROM cars
           WHERE branch = $1 AND deleted_at IS NULL ORDER BY rentprog_id`,
    fromSimulator: ({ id, number, car_name, state, company_id, mileage }) => ({
      id,
      number,
      car_name,
      state,
      company_id,
      mileage,
    }),
  },
  client: {
    sql: `SELECT rentprog_id AS id, name, lastname, phone, category FROM clients
           WHERE branch = $1 AND deleted_at IS NULL ORDER BY rentprog_id`,
    fromSimulator: ({ id, name, lastname, phone, category }) => ({ id, name, lastname, phone, category }),
  },
};

export interface KindDifference {
  kind: SimEntity;
  inDatabase: number;
  inSimulator: number;
  missing: number[];
  extra: number[];
  different: number[];
}

type Row = Record<string, unknown> & { id: number };

/** One kind's key fields of a branch, by id, as Postgres holds them and as the simulator does. */
export async function databaseAndSimulatorRows(
  db: Queryable,
  sim: Simulator,
  branch: string,
  kind: SimEntity,
): Promise<{ inDatabase: Row[]; inSimulator: Row[] }> {
  const { sql, fromSimulator } = COMPARED[kind];
  const data = sim.branch(branch);
  return {
    inDatabase: await db.query<Row>(sql, [branch]),
    inSimulator: data.list(kind, 0, data.count(kind)).map((e) => ({ ...fromSimulator(e), id: e.id })),
  };
}

const canonical = (row: Record<string, unknown>) =>
  JSON.stringify(row, (_key, value: unknown) => (value === undefined ? null : value));

/** How one branch's rows in Postgres differ from the simulator's data (nothing, when in step). */
export async function compareWithSimulator(db: Queryable, sim: Simulator, branch: string) {
  const kinds: KindDifference[] = [];
  for (const kind of Object.keys(COMPARED) as SimEntity[]) {
    const { inDatabase, inSimulator } = await databaseAndSimulatorRows(db, sim, branch, kind);
    const expected = new Map(inSimulator.map((row) => [row.id, canonical(row)]));
    const actual = new Map(inDatabase.map((row) => [row.id, canonical(row)]));
    kinds.push({
      kind,
      inDatabase: actual.size,
      inSimulator: expected.size,
      missing: [...expected.keys()].filter((id) => !actual.has(id)),
      extra: [...actual.keys()].filter((id) => !expected.has(id)),
      different: [...expected]
        .filter(([id, row]) => actual.has(id) && actual.get(id) !== row)
        .map(([id]) => id),
    });
  }
  const equal = kinds.every((k) => k.missing.length + k.extra.length + k.different.length === 0);
  return { equal, kinds, text: describe(branch, kinds) };
}

function describe(branch: string, kinds: KindDifference[]): string {
  return kinds
    .map((k) => {
      const problems = [
        k.missing.length ? `${k.missing.length} missing (e.g. ${k.missing.slice(0, 3).join(', ')})` : '',
        k.extra.length ? `${k.extra.length} extra (e.g. ${k.extra.slice(0, 3).join(', ')})` : '',
        k.different.length
          ? `${k.different.length} different (e.g. ${k.different.slice(0, 3).join(', ')})`
          : '',
      ].filter(Boolean);
      return `${branch} ${k.kind}s ${k.inDatabase}/${k.inSimulator}${problems.length ? `: ${problems.join('; ')}` : ''}`;
    })
    .join(', ');
}
