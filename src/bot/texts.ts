/** Every text operators read, in Russian, in one place (the bot and event notifications). */

export interface BookingFacts {
  number?: number | null;
  carName?: string | null;
  when?: string | null;
  where?: string | null;
}

export interface CarFacts {
  carName?: string | null;
  plate?: string | null;
}

const orDash = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? '—' : String(value);

export const texts = {
  issuePlanned: (branch: string, id: number, b: BookingFacts) =>
    `🚗 Выдача авто (${branch})\nБронь №${orDash(b.number)} · ${orDash(b.carName)}\n🕒 ${orDash(b.when)}\n📍 ${orDash(b.where)}\nID ${id}`,
  returnPlanned: (branch: string, id: number, b: BookingFacts) =>
    `🔙 Возврат авто (${branch})\nБронь №${orDash(b.number)} · ${orDash(b.carName)}\n🕒 ${orDash(b.when)}\n📍 ${orDash(b.where)}\nID ${id}`,
  carMoved: (branch: string, id: number, c: CarFacts) =>
    `🔁 Авто перемещено в ${branch}\n${orDash(c.carName)} · ${orDash(c.plate)}\nID ${id}`,
};
