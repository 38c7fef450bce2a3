import { z } from 'zod';

// RentProg is loosely typed: numbers arrive as strings, booleans as "true"/1, and new
// fields appear without notice. A record is taken when its id is right and kept exactly
// as sent for `data jsonb`, so a value no column can hold is never lost; the fields we
// copy into typed columns are read from it by the `*Fields` schemas, coerced or null.

const integerLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i)
    .transform(Number),
]);
const booleanLike = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null);

export const rentprogId = integerLike.pipe(z.number().int().positive());

/** A record as a list or detail endpoint sends it: a valid id, every other field untouched. */
const entityRecord = z.looseObject({ id: rentprogId });

export const carSchema = entityRecord;
export const clientSchema = entityRecord;
export const bookingSchema = entityRecord;

export type RentProgCar = z.infer<typeof carSchema>;
export type RentProgClient = z.infer<typeof clientSchema>;
export type RentProgBooking = z.infer<typeof bookingSchema>;

export const carFields = z.object({
  company_id: optional(integerLike),
  car_name: optional(z.string()),
  code: optional(z.string()),
  number: optional(z.union([z.string(), z.number().transform(String)])),
  state: optional(integerLike),
  active: optional(booleanLike),
  mileage: optional(integerLike),
});

export const clientFields = z.object({
  company_id: optional(integerLike),
  name: optional(z.string()),
  lastname: optional(z.string()),
  middlename: optional(z.string()),
  phone: optional(z.union([z.string(), z.number().transform(String)])),
  email: optional(z.string()),
  category: optional(z.string()),
});

export const bookingFields = z.object({
  number: optional(integerLike),
  car_id: optional(integerLike),
  client_id: optional(integerLike),
  state: optional(z.string()),
  active: optional(booleanLike),
  in_rent: optional(booleanLike),
  archive: optional(booleanLike),
  technical: optional(booleanLike),
  start_date: optional(z.string()),
  end_date: optional(z.string()),
  total: optional(numberLike),
  deposit: optional(numberLike),
  /** `/bookings/{id}` may nest the car and the client (docs/rentprog-api.md, Entities). */
  car: optional(entityRecord),
  client: optional(entityRecord),
});

/** Whether lists come bare or as `{data: [...]}` is unknown (docs/rentprog-api.md, Lists and paging): take both. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), z.looseObject({ data: z.array(item) }).transform((body) => body.data)]);

/** A single entity, bare or wrapped in `{data: {...}}`. */
export const oneOf = <T extends z.ZodType>(item: T) =>
  z.union([item, z.looseObject({ data: item }).transform((body) => body.data)]);

/** `get_token`: `{token, exp}`; other integrations also saw `access_token` or a bare string. */
export const tokenResponseSchema = z.union([
  z
    .string()
    .min(1)
    .transform((token) => ({ token, exp: undefined })),
  z
    .looseObject({
      token: z.string().min(1).optional(),
      access_token: z.string().min(1).optional(),
      exp: z.union([z.string(), z.number()]).optional(),
    })
    .refine((body) => body.token ?? body.access_token, 'no token in the response')
    .transform((body) => ({ token: (body.token ?? body.access_token)!, exp: body.exp })),
]);
