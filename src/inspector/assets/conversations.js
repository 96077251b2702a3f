// Conversations across providers (paged, live from the event stream), one conversation's timeline, and the forms
// that play its agent or customer.
import { admin, toQuery } from './api.js';
import {
  bodyBlock,
  h,
  headerTable,
  mount,
  requestDetails,
  shortId,
  statusBadge,
  throttle,
  toClock,
  toIso,
} from './dom.js';

/** Rows per page: a page is all the DOM holds, so a store of any size renders as fast as one page. */
export const PAGE_SIZE = 50;

// Last event per conversation, kept across views for the list's "last event" column.
const lastEvents = new Map();
const keyOf = (provider, id) => `${provider}:${id}`;

/** What an event says in one short line. */
function describe(event) {
  switch (event.type) {
    case 'request':
      return `${event.method} ${event.path} → ${event.status === 0 ? 'no answer' : event.status}`;
    case 'delivery.created':
      return `webhook ${event.eventType} queued`;
    case 'delivery.attempt':
      return `webhook ${event.eventType} → ${event.status ?? event.error} (${event.attempt}/${event.maxAttempts})`;
    case 'delivery.settled':
      return `webhook ${event.eventType} ${event.state}`;
    case 'conversation':
      return `conversation ${event.change}`;
    case 'action':
      return event.action;
    case 'scenario.step':
      return `scenario step ${event.verb}: ${event.status}`;
    default:
      return event.type;
  }
}

const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function agentOf(conversation) {
  const agent = conversation.participants?.find((p) => p.startsWith('agent:'));
  if (agent) return agent.slice('agent:'.length);
  return conversation.detail?.agentId ?? null;
}

function queueOf(conversation) {
  const d = conversation.detail ?? {};
  if (d.queueId !== undefined && d.queueId !== null) return `queue ${d.queueId}`;
  if (d.queue !== undefined && d.queue !== null) return `queue ${d.queue}`;
  if (d.entryPointId !== undefined) return `entry point ${d.entryPointId}`;
  if (d.inboxId !== undefined) return `inbox ${d.inboxId}`;
  if (d.resourceId !== undefined) return `resource ${d.resourceId}`;
  return null;
}

/** The Conversations tab: the list, and the selected conversation when the route names one. */
export function renderConversations(root, app, [provider, id]) {
  const listPanel = h('section', { class: 'panel list' });
  const detailPanel = h('section', { class: 'panel detail' });
  mount(root, h('div', { class: 'split' }, listPanel, detailPanel));
  const detail = provider && id ? createDetail(detailPanel, app, provider, id) : renderHint(detailPanel, app);
  const list = createList(listPanel, app, provider && id ? keyOf(provider, id) : null, (c) =>
    detail?.summary(c),
  );
  const off = app.onEvent((event) => {
    if (event.provider !== null && event.conversationId !== null) {
      const key = keyOf(event.provider, event.conversationId);
      lastEvents.set(key, { time: event.time, text: describe(event) });
      list.touch(key);
    }
    if (event.type === 'conversation' || event.type === 'reset') list.reload();
    detail?.onEvent(event);
  });
  return () => {
    off();
    detail?.close?.();
  };
}

function renderHint(panel, app) {
  const ece = app.health.providers.find((p) => p.name === 'ece');
  const base = `${location.origin}${ece?.basePaths[0] ?? ''}`;
  mount(
    panel,
    h('h2', {}, 'No conversation selected'),
    h(
      'p',
      { class: 'muted' },
      'Pick a conversation on the left. New conversations appear as soon as the system under test starts one; ' +
        'its requests, webhooks and actions then show in its timeline, where you can also play its agent or customer.',
    ),
    ece
      ? [
          h('h3', { class: 'spaced' }, 'Start one from a terminal (Cisco ECE, default fixtures)'),
          h(
            'pre',
            { class: 'body code', id: 'try-curl' },
            `TOKEN=$(curl -s -u ece-chat-key:ece-chat-secret -d grant_type=client_credentials \\\n  ${base}/authentication/oauth2/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')\n` +
              `curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\\n` +
              `  -d '{"entryPointConfiguration":{"entryPoint":{"id":1001},"lastModified":{"date":"2024-11-05T09:30:00.000Z"}}}' \\\n` +
              `  '${base}/messaging/conversation/start?anonymousCustomer=yes'`,
          ),
          h(
            'p',
            { class: 'muted small' },
            'An agent joins after a second (on a virtual clock: press +1s) and ECE posts callbacks to its callback URL; ',
            'set yours when starting convosim: ',
            h('code', {}, '--option ece.callbackUrl=http://127.0.0.1:PORT/path'),
          ),
        ]
      : null,
  );
  return null;
}

function createList(panel, app, selected, onSelected) {
  const providers = app.health.providers.map((p) => p.name);
  const filter = { provider: '', status: '' };
  // Cursors of the pages before the current one (the admin listing pages forward by cursor).
  let cursors = [];
  let after = null;
  let next = null;
  const statuses = new Set();
  const rows = new Map();

  const providerSelect = h(
    'select',
    {
      name: 'provider',
      onchange() {
        filter.provider = providerSelect.value;
        firstPage();
      },
    },
    h('option', { value: '' }, 'all providers'),
    providers.map((name) => h('option', { value: name }, name)),
  );
  const statusInput = h('input', {
    name: 'status',
    placeholder: 'any state',
    list: 'known-states',
    size: 12,
    onchange() {
      filter.status = statusInput.value.trim();
      firstPage();
    },
  });
  const stateList = h('datalist', { id: 'known-states' });
  const body = h('tbody');
  const pager = h('span', { class: 'pager-text' });
  const prev = h('button', { type: 'button', name: 'previous', onclick: () => previousPage() }, '‹ Previous');
  const more = h('button', { type: 'button', name: 'next', onclick: () => nextPage() }, 'Next ›');
  mount(
    panel,
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, 'Conversations'),
      h('label', {}, 'Provider ', providerSelect),
      h('label', {}, 'State ', statusInput),
      stateList,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid conversations' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Provider', 'Conversation', 'State', 'Agent', 'Queue', 'Last event'].map((t) => h('th', {}, t)),
          ),
        ),
        body,
      ),
    ),
    h('div', { class: 'pager' }, prev, pager, more),
  );

  const renderRow = (c) => {
    const key = keyOf(c.provider, c.id);
    const last = lastEvents.get(key);
    const href = `#/conversations/${encodeURIComponent(c.provider)}/${encodeURIComponent(c.id)}`;
    const row = h(
      'tr',
      {
        'data-key': key,
        class: key === selected ? 'selected' : null,
        onclick(event) {
          if (event.target.closest('a') === null) location.hash = href;
        },
      },
      h('td', {}, h('span', { class: 'provider' }, c.provider)),
      h('td', { class: 'mono' }, h('a', { href, title: c.id }, shortId(c.id, 14))),
      h(
        'td',
        {},
        h('span', { class: `state state-${String(c.status).replace(/[^a-z0-9-]/gi, '')}` }, c.status),
      ),
      h('td', {}, agentOf(c) ?? '—'),
      h('td', {}, queueOf(c) ?? '—'),
      h('td', { class: 'last-event' }, last ? `${toClock(last.time)} ${last.text}` : '—'),
    );
    rows.set(key, row);
    if (key === selected) onSelected(c);
    return row;
  };

  let loading = false;
  let again = false;
  const load = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const page = await admin(
        'GET',
        `/conversations${toQuery({ provider: filter.provider, status: filter.status, limit: PAGE_SIZE, after })}`,
      );
      rows.clear();
      for (const c of page.conversations) statuses.add(c.status);
      mount(
        stateList,
        [...statuses].sort().map((s) => h('option', { value: s })),
      );
      mount(
        body,
        page.conversations.length === 0
          ? h(
              'tr',
              { class: 'empty' },
              h('td', { colspan: 6 }, after === null ? 'No conversations yet.' : 'No more conversations.'),
            )
          : page.conversations.map(renderRow),
      );
      next = page.next;
      const from = cursors.length * PAGE_SIZE;
      pager.textContent =
        page.conversations.length === 0
          ? `page ${cursors.length + 1}`
          : `page ${cursors.length + 1} · rows ${from + 1}–${from + page.conversations.length}`;
      prev.disabled = cursors.length === 0;
      more.disabled = next === null;
    } catch (error) {
      app.notify(`Listing conversations failed: ${error.message}`, 'bad');
    } finally {
      loading = false;
      if (again) {
        again = false;
        load();
      }
    }
  };
  const firstPage = () => {
    cursors = [];
    after = null;
    load();
  };
  const nextPage = () => {
    if (next === null) return;
    cursors.push(after);
    after = next;
    load();
  };
  const previousPage = () => {
    if (cursors.length === 0) return;
    after = cursors.pop();
    load();
  };
  load();
  return {
    reload: throttle(load, 250),
    touch(key) {
      const row = rows.get(key);
      const last = lastEvents.get(key);
      if (row && last) row.querySelector('.last-event').textContent = `${toClock(last.time)} ${last.text}`;
    },
  };
}

function createDetail(panel, app, provider, id) {
  const head = h('div', { class: 'detail-head' });
  const facts = h('dl', { class: 'facts' });
  const play = h('div', { class: 'play' });
  const timeline = h('ol', { class: 'timeline' });
  const since = h('p', { class: 'muted small' });
  mount(panel, head, play, h('div', { class: 'toolbar' }, h('h3', {}, 'Timeline'), since), timeline);
  renderPlay(play, app, provider, id);
  // Expanded items stay expanded across reloads.
  const open = new Set();

  const load = async () => {
    let data;
    try {
      data = await admin(
        'GET',
        `/inspector/timeline/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`,
      );
    } catch (error) {
      app.notify(`Loading the timeline failed: ${error.message}`, 'bad');
      return;
    }
    mount(
      head,
      h('h2', {}, h('span', { class: 'provider' }, provider), ' ', h('span', { class: 'mono' }, id)),
      facts,
      h(
        'p',
        { class: 'muted small' },
        [
          plural(data.requests.length, 'request'),
          plural(data.deliveries.length, 'webhook'),
          plural(data.actions.length, 'action'),
        ].join(' · '),
      ),
    );
    since.textContent =
      data.since === null
        ? ''
        : `Requests and actions since ${toIso(data.since)} (when the inspector was first opened); webhooks from the start.`;
    // Same simulator time: the order of the event stream where known (a request, the action, the webhooks).
    const items = [
      ...data.requests.map((r) => ({
        time: r.time,
        seq: r.seq,
        key: `r${r.id}`,
        node: () => requestItem(r),
      })),
      ...data.deliveries.map((d) => ({
        time: d.createdAt,
        seq: Object.hasOwn(data.order, d.id) ? data.order[d.id] : Number.MAX_SAFE_INTEGER,
        key: `d${d.id}`,
        node: () => deliveryItem(d),
      })),
      ...data.actions.map((a) => ({ time: a.time, seq: a.seq, key: `a${a.id}`, node: () => actionItem(a) })),
    ].sort((a, b) => a.time - b.time || a.seq - b.seq);
    mount(
      timeline,
      items.length === 0
        ? h('li', { class: 'muted' }, 'Nothing yet.')
        : items.map((item) => {
            const node = item.node();
            node.dataset.key = item.key;
            const details = node.querySelector('details');
            if (details) {
              details.open = open.has(item.key);
              details.addEventListener('toggle', () => {
                if (details.open) open.add(item.key);
                else open.delete(item.key);
              });
            }
            return node;
          }),
    );
  };
  const reload = throttle(load, 200);
  load();
  return {
    summary(c) {
      mount(
        facts,
        [
          ['State', c.status],
          ['Agent', agentOf(c) ?? '—'],
          ['Queue', queueOf(c) ?? '—'],
          ['Started', toIso(c.createdAt)],
          ['Participants', (c.participants ?? []).join(', ') || '—'],
        ].map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
      );
    },
    onEvent(event) {
      if (event.type === 'reset' || (event.provider === provider && event.conversationId === id)) reload();
    },
  };
}

function requestItem(r) {
  return h(
    'li',
    { class: 'item request', 'data-kind': 'request' },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'time' }, toClock(r.time)),
        h('span', { class: 'kind' }, 'request'),
        h('span', { class: 'mono' }, `${r.method} ${r.path}${r.query}`),
        statusBadge(r.status),
        r.durationMs === undefined ? null : h('span', { class: 'muted' }, `${r.durationMs} ms`),
        r.fault ? h('span', { class: 'badge bad' }, `fault ${r.fault}`) : null,
      ),
      requestDetails(r),
    ),
  );
}

function deliveryItem(d) {
  const settled = d.state === 'delivered' ? 200 : d.state === 'failed' || d.state === 'dropped' ? 500 : 300;
  return h(
    'li',
    { class: 'item delivery', 'data-kind': 'delivery' },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'time' }, toClock(d.createdAt)),
        h('span', { class: 'kind' }, 'webhook'),
        h('span', { class: 'mono' }, `${d.type} → ${d.url}`),
        statusBadge(settled, d.state),
        h(
          'span',
          { class: 'muted attempts' },
          `${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}`,
        ),
      ),
      h(
        'div',
        { class: 'expanded' },
        d.note ? h('p', { class: 'note' }, d.note) : null,
        d.attempts.length === 0 ? h('p', { class: 'muted' }, 'Not attempted yet.') : null,
        d.attempts.map((a) =>
          h(
            'section',
            { class: 'attempt', 'data-attempt': a.attempt + 1 },
            h(
              'h4',
              {},
              `Attempt ${a.attempt + 1} at ${toClock(a.time)} `,
              statusBadge(a.status, a.status === null ? (a.error ?? 'no answer') : String(a.status)),
              h('span', { class: 'muted' }, ` ${Math.round(a.latencyMs)} ms`),
              a.error && a.status !== null ? h('span', { class: 'muted' }, ` ${a.error}`) : null,
            ),
            h('p', { class: 'mono small' }, `POST ${a.url}`),
            h('h5', {}, 'Headers (signature headers highlighted)'),
            headerTable(a.headers),
            h('h5', {}, 'Body'),
            bodyBlock(a.body),
            h('h5', {}, 'Receiver answered'),
            bodyBlock(a.responseBody ?? ''),
          ),
        ),
        d.attempts.length === 0 ? [h('h5', {}, 'Body'), bodyBlock(d.body)] : null,
      ),
    ),
  );
}

function actionItem(a) {
  const actor = a.action.split('.')[0];
  return h(
    'li',
    { class: `item action actor-${actor}`, 'data-kind': 'action' },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'time' }, toClock(a.time)),
        h('span', { class: 'kind' }, actor),
        h('span', { class: 'mono' }, a.action),
        typeof a.args?.text === 'string' ? h('span', { class: 'said' }, `“${a.args.text}”`) : null,
      ),
      h('div', { class: 'expanded' }, h('h4', {}, 'Arguments'), bodyBlock(a.args)),
    ),
  );
}

/** The play forms: pick an action of the provider, fill its arguments, send. */
function renderPlay(holder, app, provider, id) {
  const actions = app.actions.filter((a) => a.provider === provider);
  if (actions.length === 0) {
    mount(holder, h('p', { class: 'muted' }, `${provider} offers no actions.`));
    return;
  }
  const groups = { agent: [], customer: [], other: [] };
  for (const a of actions) (groups[a.action.split('.')[0]] ?? groups.other).push(a);
  const select = h(
    'select',
    { id: 'play-action', name: 'action', onchange: () => showForm() },
    Object.entries(groups)
      .filter(([, list]) => list.length > 0)
      .map(([group, list]) =>
        h(
          'optgroup',
          { label: group === 'other' ? 'other' : `as the ${group}` },
          list.map((a) => h('option', { value: a.action }, a.action)),
        ),
      ),
  );
  const initial = actions.find((a) => a.action === 'agent.say') ?? actions[0];
  select.value = initial.action;
  const formHolder = h('div');
  const result = h('p', { class: 'result', 'aria-live': 'polite' });
  mount(holder, h('div', { class: 'toolbar' }, h('h3', {}, 'Play'), select), formHolder, result);

  const showForm = () => {
    const action = actions.find((a) => a.action === select.value);
    mount(formHolder, actionForm(action, provider, id, result));
  };
  showForm();
}

function actionForm(action, provider, id, result) {
  const schema = action.args;
  const properties = schema?.properties ?? null;
  const required = new Set(schema?.required ?? []);
  const fields =
    properties === null ? [] : Object.entries(properties).map(([name, s]) => field(name, s, required));
  const raw = properties === null ? h('textarea', { name: '__json', rows: 4, placeholder: '{ }' }) : null;
  const form = h(
    'form',
    {
      class: 'play-form',
      'data-action': action.action,
      async onsubmit(event) {
        event.preventDefault();
        let args;
        try {
          args = raw ? JSON.parse(raw.value || '{}') : readFields(form, properties);
        } catch (error) {
          result.className = 'result bad';
          result.textContent = error.message;
          return;
        }
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        try {
          const answer = await admin(
            'POST',
            `/conversations/${encodeURIComponent(provider)}/${encodeURIComponent(id)}/actions`,
            { action: action.action, args },
          );
          result.className = 'result ok';
          result.textContent = `${action.action} done${answer.result === null ? '' : `: ${JSON.stringify(answer.result)}`}`;
          for (const input of form.querySelectorAll('input[type=text], textarea')) input.value = '';
        } catch (error) {
          result.className = 'result bad';
          result.textContent = `${action.action} refused: ${error.message}`;
        } finally {
          button.disabled = false;
        }
      },
    },
    h('p', { class: 'muted small' }, action.description),
    h('div', { class: 'fields' }, fields, raw ? h('label', {}, 'Arguments (JSON) ', raw) : null),
    h('button', { type: 'submit', class: 'primary' }, 'Send'),
  );
  return form;
}

function field(name, schema, required) {
  const label = `${name}${required.has(name) ? ' *' : ''}`;
  const types = [schema.type, ...(schema.anyOf ?? []).map((s) => s.type)].flat().filter(Boolean);
  let input;
  if (Array.isArray(schema.enum)) {
    input = h(
      'select',
      { name, 'data-kind': 'enum' },
      required.has(name) ? null : h('option', { value: '' }, ''),
      schema.enum.map((v) => h('option', { value: v }, v)),
    );
    if (schema.default !== undefined) input.value = schema.default;
  } else if (types.length === 1 && types[0] === 'boolean') {
    input = h('input', { type: 'checkbox', name, 'data-kind': 'boolean', checked: schema.default === true });
  } else if (types.length > 0 && types.every((t) => t === 'number' || t === 'integer')) {
    input = h('input', { type: 'number', name, 'data-kind': 'number', required: required.has(name) });
  } else if (types.length > 0 && types.every((t) => t === 'string' || t === 'number' || t === 'integer')) {
    input = h('input', {
      type: 'text',
      name,
      'data-kind': 'string',
      required: required.has(name),
      placeholder: schema.default === undefined ? '' : String(schema.default),
      size: name === 'text' ? 40 : 16,
    });
  } else {
    input = h('textarea', { name, 'data-kind': 'json', rows: 2, placeholder: 'JSON, or text' });
  }
  return h('label', { class: `field field-${input.dataset.kind}` }, h('span', {}, label), input);
}

function readFields(form, properties) {
  const args = {};
  for (const name of Object.keys(properties)) {
    const input = form.elements.namedItem(name);
    if (!input) continue;
    const kind = input.dataset.kind;
    if (kind === 'boolean') {
      args[name] = input.checked;
      continue;
    }
    const value = input.value;
    if (value === '') continue;
    if (kind === 'number') args[name] = Number(value);
    else if (kind === 'json') {
      try {
        args[name] = JSON.parse(value);
      } catch {
        args[name] = value;
      }
    } else args[name] = value;
  }
  return args;
}
