// Imitates https://developers.chatwoot.com/api-reference/profile (`GET /api/v1/profile`): the caller's user, as
// Api::V1::ProfilesController#show renders api/v1/models/_user.json.jbuilder (Chatwoot 4.12).
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import type { ChatwootContext } from './events.ts';
import { authorizeUser } from './routes.ts';

/** The profile route. */
export function createProfileRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.get('/api/v1/profile', (c) => {
    const user = authorizeUser(ctx, c);
    const s = ctx.state();
    const first = user.account_ids[0] ?? null;
    return c.json(
      {
        access_token: user.access_token,
        account_id: first,
        available_name: user.name,
        avatar_url: '',
        confirmed: true,
        display_name: null,
        message_signature: null,
        email: user.email,
        id: user.id,
        inviter_id: null,
        name: user.name,
        provider: 'email',
        pubsub_token: `pubsub-${user.id}`,
        role: user.role,
        ui_settings: {},
        uid: user.email,
        type: 'User',
        accounts: user.account_ids.map((id) => ({
          id,
          name: getOwn(s.accounts, String(id))?.name ?? '',
          status: 'active',
          active_at: null,
          role: user.role,
          permissions: [user.role],
          availability: user.availability_status,
          availability_status: user.availability_status,
          auto_offline: true,
        })),
      },
      200,
    );
  });

  return app;
}
