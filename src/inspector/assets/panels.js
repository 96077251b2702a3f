// The request journal, the faults and the scenario runs.
import { admin, toQuery } from './api.js';
import { h, mount, requestDetails, statusBadge, throttle, toClock } from './dom.js';

const JOURNAL_LIMIT = 200;

/** The Requests tab: the journal, newest first, with filters; unmatched requests show their explanation. */
export function renderJournal(root, app) {
  const form = h(
    'form',
    {
      class: 'toolbar filters',
      onsubmit(event) {
        event.preventDefault();
        load();
      },
    },
    h('h2', {}, 'Requests'),
    h(
      'label',
      {},
      'Provider ',
      h(
        'select',
        { name: 'provider', onchange: () => load() },
        h('option', { value: '' }, 'all'),
        app.health.providers.map((p) => h('option', { value: p.name }, p.name)),
      ),
    ),
    h(
      'label',
      {},
      'Method ',
      h(
        'select',
        { name: 'method', onchange: () => load() },
        ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { value: m }, m || 'any')),
      ),
    ),
    h('label', {}, 'Status ', h('input', { name: 'status', type: 'number', min: 100, max: 599, size: 4 })),
    h('label', {}, 'Path ', h('input', { name: 'path', placeholder: '**/conversation/start', size: 22 })),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'unmatched', onchange: () => load() }),
      ' unmatched only',
    ),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const summary = h('p', { class: 'muted small' });
  const list = h('ol', { class: 'timeline journal' });
  mount(root, h('section', { class: 'panel wide' }, form, summary, list));

  const load = async () => {
    const data = new FormData(form);
    const unmatched = data.get('unmatched') === 'on';
    const query = {
      provider: data.get('provider'),
      method: data.get('method'),
      status: data.get('status'),
      path: data.get('path'),
      limit: unmatched ? 1000 : JOURNAL_LIMIT,
    };
    let answer;
    try {
      answer = await admin('GET', `/requests${toQuery(query)}`);
    } catch (error) {
      mount(summary, h('span', { class: 'bad' }, error.message));
      return;
    }
    let entries = answer.requests;
    if (unmatched) entries = entries.filter((r) => r.route === null).slice(-JOURNAL_LIMIT);
    entries.reverse();
    summary.textContent = `${entries.length} shown, newest first (the journal window holds ${answer.window.size}; ${answer.window.evicted} older in the files only).`;
    mount(
      list,
      entries.length === 0 ? h('li', { class: 'muted' }, 'No requests.') : entries.map(journalItem),
    );
  };
  load();
  const reload = throttle(load, 300);
  return app.onEvent((event) => {
    if (event.type === 'request' || event.type === 'reset') reload();
  });
}

function journalItem(r) {
  return h(
    'li',
    { class: `item request${r.route === null ? ' unmatched' : ''}`, 'data-kind': 'request' },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'time' }, toClock(r.time)),
        h('span', { class: 'provider' }, r.provider ?? 'none'),
        h('span', { class: 'mono' }, `${r.method} ${r.path}${r.query}`),
        statusBadge(r.status),
        r.route === null ? h('span', { class: 'badge warn' }, 'unmatched') : null,
        r.fault ? h('span', { class: 'badge bad' }, `fault ${r.fault}`) : null,
      ),
      requestDetails(r, h('p', { class: 'muted small' }, `${r.id} · route ${r.route ?? 'none'}`)),
    ),
  );
}

/** The Faults tab: active faults with their hits, a form to add one, and remove buttons. */
export function renderFaults(root, app) {
  const table = h('tbody');
  const result = h('p', { class: 'result', 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'fault-form',
      async onsubmit(event) {
        event.preventDefault();
        const data = new FormData(form);
        const spec = {};
        for (const name of ['provider', 'method', 'path']) if (data.get(name)) spec[name] = data.get(name);
        for (const name of ['status', 'latencyMs', 'times', 'ratio'])
          if (data.get(name)) spec[name] = Number(data.get(name));
        if (data.get('drop') === 'on') spec.drop = true;
        try {
          const fault = await admin('POST', '/faults', spec);
          result.className = 'result ok';
          result.textContent = `Fault ${fault.id} added.`;
          form.reset();
          load();
        } catch (error) {
          result.className = 'result bad';
          result.textContent = error.message;
        }
      },
    },
    h('h3', {}, 'Add a fault'),
    h(
      'div',
      { class: 'fields' },
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'provider'),
        h(
          'select',
          { name: 'provider' },
          h('option', { value: '' }, 'any'),
          app.health.providers.map((p) => h('option', { value: p.name }, p.name)),
        ),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'method'),
        h(
          'select',
          { name: 'method' },
          ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { value: m }, m || 'any')),
        ),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'path glob'),
        h('input', { name: 'path', placeholder: '**/conversation/start', size: 24 }),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'status'),
        h('input', { name: 'status', type: 'number', min: 100, max: 599, placeholder: '503' }),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'latency ms'),
        h('input', { name: 'latencyMs', type: 'number', min: 0 }),
      ),
      h(
        'label',
        { class: 'field check' },
        h('input', { name: 'drop', type: 'checkbox' }),
        h('span', {}, 'drop the connection'),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'times'),
        h('input', { name: 'times', type: 'number', min: 1 }),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'or ratio'),
        h('input', { name: 'ratio', type: 'number', min: 0, max: 1, step: 0.05 }),
      ),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Add fault'),
  );
  mount(
    root,
    h(
      'section',
      { class: 'panel wide' },
      h('div', { class: 'toolbar' }, h('h2', {}, 'Faults')),
      h(
        'p',
        { class: 'muted small' },
        'A fault applies to the provider requests it matches: an answer with its status, a delay, or a dropped connection; “times” or “ratio” limit how often.',
      ),
      h(
        'table',
        { class: 'grid faults' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Id', 'Provider', 'Method', 'Path', 'Effect', 'Limit', 'Hits', ''].map((t) => h('th', {}, t)),
          ),
        ),
        table,
      ),
      form,
      result,
    ),
  );

  const load = async () => {
    const { faults } = await admin('GET', '/faults');
    mount(
      table,
      faults.length === 0
        ? h('tr', { class: 'empty' }, h('td', { colspan: 8 }, 'No faults.'))
        : faults.map((f) =>
            h(
              'tr',
              { 'data-fault': f.id },
              h('td', { class: 'mono' }, f.id),
              h('td', {}, f.provider ?? 'any'),
              h('td', {}, f.method ?? 'any'),
              h('td', { class: 'mono' }, f.path ?? '**'),
              h(
                'td',
                {},
                [
                  f.status === undefined ? null : `status ${f.status}`,
                  f.latencyMs === undefined ? null : `${f.latencyMs} ms late`,
                  f.drop ? 'drop' : null,
                ]
                  .filter(Boolean)
                  .join(', '),
              ),
              h(
                'td',
                {},
                f.times !== undefined
                  ? `${f.remaining} of ${f.times} left`
                  : f.ratio !== undefined
                    ? `ratio ${f.ratio}`
                    : 'always',
              ),
              h('td', {}, String(f.hits)),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    async onclick() {
                      await admin('DELETE', `/faults/${encodeURIComponent(f.id)}`).catch((error) => {
                        result.className = 'result bad';
                        result.textContent = error.message;
                      });
                      load();
                    },
                  },
                  'Remove',
                ),
              ),
            ),
          ),
    );
  };
  load();
  const reload = throttle(load, 300);
  return app.onEvent((event) => {
    if (event.type === 'fault' || event.type === 'reset') reload();
  });
}

/** The Scenarios tab: runs with their step reports, and a box to run a scenario. */
export function renderScenarios(root, app) {
  const runs = h('div', { class: 'runs' });
  const result = h('p', { class: 'result', 'aria-live': 'polite' });
  const source = h('textarea', {
    name: 'source',
    rows: 7,
    placeholder: 'name: greet\nprovider: ece\nsteps:\n  - agent.join:\n  - agent.say: Hello!',
  });
  const form = h(
    'form',
    {
      class: 'scenario-form',
      async onsubmit(event) {
        event.preventDefault();
        try {
          const report = await admin('POST', '/scenarios/runs', { source: source.value });
          result.className = 'result ok';
          result.textContent = `Run ${report.id} of ${report.scenario}: ${report.status}.`;
          load();
        } catch (error) {
          result.className = 'result bad';
          result.textContent = error.message;
        }
      },
    },
    h('h3', {}, 'Run a scenario'),
    h(
      'p',
      { class: 'muted small' },
      'YAML as in docs/scenarios.md; it waits for its conversation, or drives its own.',
    ),
    source,
    h('button', { type: 'submit', class: 'primary' }, 'Run'),
  );
  mount(
    root,
    h(
      'section',
      { class: 'panel wide' },
      h('div', { class: 'toolbar' }, h('h2', {}, 'Scenario runs')),
      runs,
      form,
      result,
    ),
  );
  const load = async () => {
    let answer;
    try {
      answer = await admin('GET', '/scenarios/runs');
    } catch (error) {
      mount(runs, h('p', { class: 'muted' }, `Scenario runs are not available: ${error.message}`));
      return;
    }
    mount(
      runs,
      answer.runs.length === 0
        ? h('p', { class: 'muted' }, 'No scenario runs yet.')
        : [...answer.runs].reverse().map((run) =>
            h(
              'details',
              { class: 'run', open: run.status !== 'passed', 'data-run': run.id },
              h(
                'summary',
                {},
                h('span', { class: 'mono' }, run.id),
                h('strong', {}, ` ${run.scenario} `),
                statusBadge(run.status === 'passed' ? 200 : run.status === 'failed' ? 500 : 300, run.status),
                run.conversationId
                  ? h('span', { class: 'muted mono' }, ` ${run.provider ?? ''} ${run.conversationId}`)
                  : null,
              ),
              h(
                'table',
                { class: 'grid steps' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['#', 'Step', 'Status', 'Message'].map((t) => h('th', {}, t)),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  (run.steps ?? []).map((step, index) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, String(index + 1)),
                      h('td', { class: 'mono' }, step.label ?? step.verb ?? ''),
                      h('td', {}, h('span', { class: `state state-${step.status}` }, step.status)),
                      h('td', { class: 'small' }, step.message ?? ''),
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
  };
  load();
  const reload = throttle(load, 300);
  return app.onEvent((event) => {
    if (event.type === 'scenario.step' || event.type === 'reset' || event.type === 'conversation') reload();
  });
}
