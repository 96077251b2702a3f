// What `convosim serve` prints once it listens: each provider's URLs and where its webhooks and callbacks go.
// The providers' state is read through the control API, as any admin client would read it.
import type { Simulator } from './simulator.ts';

type Row = Record<string, unknown>;
const rows = (value: unknown): Row[] =>
  typeof value === 'object' && value !== null ? (Object.values(value) as Row[]) : [];
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** The base URLs a provider is reached at, with 8x8's region and tenant filled in. */
function toBaseUrls(name: string, basePaths: readonly string[], state: Row, url: string): string[] {
  return basePaths.map((base) => {
    const region = text(state.region);
    const tenant = text(state.tenant);
    if (name === '8x8' && base === '/vcc' && region && tenant)
      return `${url}/vcc/${region}/chat/v2/tenant/${tenant}`;
    return url + base;
  });
}

/** Where a provider's webhooks (ECE: callbacks) go now, and how to set them. */
function toDestinations(name: string, state: Row, options: Record<string, unknown>): string[] {
  const list = (urls: string[], none: string) =>
    urls.length > 0
      ? [...new Set(urls)].map((u) => `webhooks  -> ${u}`)
      : [`webhooks  -> none yet (${none})`];
  switch (name) {
    case 'ece': {
      const forced = text(options.callbackUrl);
      if (forced) return [`callbacks -> ${forced} (every client application: --option ece.callbackUrl)`];
      const lines = rows(state.clientApplications)
        .filter((app) => app.type === 'chat')
        .map((app) => {
          const callback = (app.callback ?? {}) as Row;
          return `callbacks -> ${text(callback.url) ?? 'none'} (client application ${String(app.key)}; the fixtures default: change it with --option ece.callbackUrl=URL)`;
        });
      return lines.length > 0 ? lines : ['callbacks -> none (no chat client application)'];
    }
    case '8x8':
      return list(
        rows(state.webhooks).flatMap((w) => text(w.uri) ?? []),
        'register one with the 8x8 webhooks API, see docs/providers/8x8.md',
      );
    case 'chatwoot':
      return list(
        [...rows(state.webhooks).map((w) => w.url), ...rows(state.inboxes).map((i) => i.webhook_url)].flatMap(
          (u) => text(u) ?? [],
        ),
        'account webhooks or an inbox webhook_url, see docs/providers/chatwoot.md',
      );
    case 'airkit':
      return list(
        rows(state.resources).flatMap((r) => text(r.webhookUrl) ?? []),
        'set a webhookUrl: PATCH /__admin/providers/airkit/resources/hub-default',
      );
    default:
      return [];
  }
}

const BANNER_KEYS = ['region', 'tenant', 'clientApplications', 'webhooks', 'inboxes', 'resources'];

/** The lines naming each served provider, its URLs, and where its webhooks go. */
export function renderProviderLines(
  sim: Simulator,
  url: string,
  options: Record<string, Record<string, unknown>>,
) {
  const lines: string[] = [];
  for (const p of sim.providers) {
    let state: Row = {};
    try {
      // Only the small parts the banner shows: copying a large store's whole state would delay the start.
      state = (sim.control.state(p.name, BANNER_KEYS) ?? {}) as Row;
    } catch {
      // A provider without a readable state still gets its URLs.
    }
    lines.push(`  ${p.name.padEnd(9)} ${p.title}: ${toBaseUrls(p.name, p.basePaths, state, url).join(' ')}`);
    const own = Object.hasOwn(options, p.name) ? options[p.name]! : {};
    for (const line of toDestinations(p.name, state, own)) lines.push(`            ${line}`);
  }
  return lines;
}
