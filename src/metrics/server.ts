import type { Server } from 'node:http';
import express from 'express';
import type { BridgeMetrics } from './bridge-metrics';
import type { Readiness } from './readiness';

/** The health routes, shared by the metrics server and the appservice server. */
export function healthRoutes(readiness: Readiness): express.Router {
  const r = express.Router();
  r.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  r.get('/ready', async (_req, res) => {
    const report = await readiness.check();
    res.status(report.ready ? 200 : 503).json(report);
  });
  return r;
}

/**
 * The metrics HTTP server on its own port (`metrics.bind`/`metrics.port`), so Prometheus can
 * be allowed in without exposing the appservice or provisioning routes.
 */
export function createMetricsApp(metrics: BridgeMetrics, readiness: Readiness): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.render();
    res.type(contentType).send(body);
  });
  app.use(healthRoutes(readiness));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found: this port serves /metrics, /health and /ready' });
  });
  return app;
}

export async function startMetricsServer(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}
