// The baseline: bare Hono routes on @hono/node-server, doing only JSON in and out (POST for the write
// endpoints, GET with a path parameter for the read endpoint).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/bare', async (c) => c.json({ received: await c.req.json(), ok: true }));
app.get('/bare/:id', (c) => c.json({ id: c.req.param('id'), ok: true }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
