import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { API_ROUTES, type RouteAnswer, type ServedAnswer } from './api-routes.js';
import type { BranchData } from './branch-data.js';
import { bend, type FaultTable, refusal } from './faults.js';
import { sendJson } from './json-reply.js';
import type { RateWindows } from './rate-windows.js';
import type { RequestLog } from './request-log.js';
import type { TokenIssuer } from './tokens.js';

export interface ApiDeps {
  tokens: TokenIssuer;
  faults: FaultTable;
  rateWindows: RateWindows;
  requests: RequestLog;
  branch: (name: string) => BranchData;
  random: () => number;
}

type Handle = (query: URLSearchParams, branch: string, id: number | undefined) => RouteAnswer;

/**
 * RentProg's public API under its root: `get_token` and API_ROUTES, each behind token
 * checks and the faults switched on, every answer in the request log.
 */
export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  router.all(
    '/get_token',
    serve(deps, 'get_token', (_query, branch) => deps.tokens.issue(branch)),
  );
  for (const route of API_ROUTES) {
    const handle: Handle = (query, branch, id) => route.handle({ branch: deps.branch(branch), query, id });
    router.all(route.paths, serve(deps, route.name, handle));
  }
  return router;
}

function serve(deps: ApiDeps, route: string, handle: Handle) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = req.params.id as string | undefined;
    if (id !== undefined && !/^\d+$/.test(id)) return next();
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const arrivedAt = Date.now();
    const branch =
      route === 'get_token'
        ? deps.tokens.companyBranch(query.get('company_token'))
        : deps.tokens.branchOf(req.headers.authorization);
    const answer = await answerWithFaults(deps, route, branch, (known) =>
      handle(query, known, id === undefined ? undefined : Number(id)),
    );
    const page = query.get('page');
    deps.requests.record({
      route,
      branch: branch ?? '?',
      at: arrivedAt,
      status: answer.status,
      ...(page === null ? {} : { page: Number(page) }),
    });
    if (answer.hang) return; // the client's timeout ends this one
    if (answer.raw !== undefined) {
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(answer.raw);
      return;
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  };
}

async function answerWithFaults(
  deps: ApiDeps,
  route: string,
  branch: string | undefined,
  answer: (branch: string) => RouteAnswer,
): Promise<ServedAnswer> {
  const fault = deps.faults.for(route, branch);
  if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.hang) return { status: 200, body: null, hang: true };
  if (!branch) {
    return { status: 401, body: { error: route === 'get_token' ? 'Company not found' : 'Unauthorized' } };
  }
  return refusal(fault, branch, deps.rateWindows, deps.random) ?? bend(fault, answer(branch));
}
