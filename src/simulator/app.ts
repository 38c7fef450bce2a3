import express, { type Express } from 'express';
import { type ApiDeps, apiRouter } from './api-router.js';
import { controlRouter, type SimulatorControls } from './control-routes.js';
import { sendJson } from './json-reply.js';

/**
 * The simulator's HTTP face: the control API under `/_control`, RentProg's API under
 * `basePath`, and `{"error": "No route"}` for anything else. Routing is exact (case and
 * trailing slash), as RentProg's is.
 */
export function simulatorApp(basePath: string, api: ApiDeps, control: SimulatorControls): Express {
  const app = express();
  app.disable('x-powered-by');
  app.enable('case sensitive routing');
  app.enable('strict routing');
  app.use('/_control', controlRouter(control));
  app.use(basePath, apiRouter(api));
  app.use((_req, res) => sendJson(res, 404, { error: 'No route' }));
  return app;
}
