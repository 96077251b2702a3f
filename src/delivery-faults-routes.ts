import { Hono } from 'hono';
import { z } from 'zod';
import type { Control } from './control.ts';
import { deliveryFaultSpecSchema } from './delivery-faults.ts';
import { ControlError } from './errors.ts';
import { readBody } from './http.ts';

/** The delivery fault routes, mounted at /__admin/delivery-faults (docs/faults.md). */
export function createDeliveryFaultRoutes(control: Control): Hono {
  const app = new Hono();
  app.get('/', (c) => c.json({ faults: control.deliveryFaults() }));
  app.post('/', async (c) => {
    const body = await readBody(c, ['json']);
    if (!body.ok) throw new ControlError(body.reason === 'malformed' ? 400 : 415, body.message);
    const parsed = deliveryFaultSpecSchema.safeParse(body.value ?? {});
    if (!parsed.success) throw new ControlError(400, `Invalid body: ${z.prettifyError(parsed.error)}`);
    return c.json(control.addDeliveryFault(body.value as z.input<typeof deliveryFaultSpecSchema>), 201);
  });
  app.delete('/', (c) => {
    control.clearDeliveryFaults();
    return c.body(null, 204);
  });
  app.delete('/:id', (c) => {
    control.removeDeliveryFault(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
