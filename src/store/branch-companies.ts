import type { Queryable } from './db.js';

/**
 * Each branch's RentProg company id, as its own records say: the `company_id` most of
 * its live cars carry (a car mid-move may still carry another). Branches with no car
 * rows yet are absent.
 */
export async function branchCompanyIds(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ branch: string; company_id: number }>(
    `SELECT DISTINCT ON (branch) branch, company_id
     FROM cars
     WHERE deleted_at IS NULL AND company_id IS NOT NULL
     GROUP BY branch, company_id
     ORDER BY branch, count(*) DESC, company_id`,
  );
  return Object.fromEntries(rows.map((row) => [row.branch, Number(row.company_id)]));
}

/** The branch whose cars carry this company id, if any. */
export function branchOfCompany(companies: Record<string, number>, companyId: unknown): string | undefined {
  const id = Number(companyId);
  if (companyId === null || companyId === undefined || !Number.isFinite(id)) return undefined;
  return Object.keys(companies).find((branch) => companies[branch] === id);
}
