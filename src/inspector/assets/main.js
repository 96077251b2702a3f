// The inspector's shell: the header (clock, advance buttons, reset, connection), the tabs, and the event stream
// every view listens to.
import { AdminError, admin, followEvents, setToken, whenUnauthorized } from './api.js';
import { renderConversations } from './conversations.js';
import { h, mount, toIso } from './dom.js';
import { renderFaults, renderJournal, renderScenarios } from './panels.js';

const view = document.getElementById('view');
const listeners = new Set();

/** What every view gets: the simulator's health, the actions by provider, and the event stream. */
const app = {
  health: null,
  actions: [],
  /** Calls `listener` with each event until the view changes; answers a function that stops it. */
  onEvent(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Shows a message in the view's notice line. */
  notify(message, kind = 'info') {
    const notice =
      document.getElementById('notice') ?? view.insertBefore(h('p', { id: 'notice' }), view.firstChild);
    notice.className = `notice ${kind}`;
    notice.textContent = message;
  },
};

let cleanup = () => {};

function route() {
  const [tab = 'conversations', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.tab === tab);
  }
  cleanup();
  listeners.clear();
  mount(view);
  const params = rest.map((part) => decodeURIComponent(part));
  const render =
    { journal: renderJournal, faults: renderFaults, scenarios: renderScenarios }[tab] ?? renderConversations;
  cleanup = render(view, app, params) ?? (() => {});
}

async function refreshClock() {
  const { now, iso } = await admin('GET', '/clock');
  const clock = document.getElementById('clock');
  clock.textContent = toIso(now);
  clock.title = `Simulator clock (${app.health.clock.kind}): ${iso}`;
}

function renderAdvance() {
  const holder = document.getElementById('advance');
  if (app.health.clock.kind !== 'virtual') {
    mount(holder, h('span', { class: 'muted' }, 'real clock'));
    return;
  }
  const step = (by) =>
    h(
      'button',
      {
        type: 'button',
        'data-advance': by,
        title: `Advance the virtual clock by ${by}`,
        async onclick(event) {
          const button = event.currentTarget;
          button.disabled = true;
          try {
            await admin('POST', '/clock/advance', { by });
          } catch (error) {
            app.notify(`Advance failed: ${error.message}`, 'bad');
          } finally {
            button.disabled = false;
          }
        },
      },
      `+${by}`,
    );
  mount(holder, ['1s', '10s', '1m', '10m', '1h'].map(step));
}

function setupReset() {
  const button = document.getElementById('reset');
  let armed = null;
  button.addEventListener('click', async () => {
    if (armed === null) {
      button.textContent = 'Really reset?';
      armed = setTimeout(() => {
        armed = null;
        button.textContent = 'Reset';
      }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = 'Reset';
    try {
      await admin('POST', '/reset');
    } catch (error) {
      app.notify(`Reset failed: ${error.message}`, 'bad');
    }
  });
}

function setupToken() {
  const form = document.getElementById('token');
  whenUnauthorized(() => {
    form.hidden = false;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(new FormData(form).get('token'));
    location.reload();
  });
}

async function start() {
  setupToken();
  setupReset();
  try {
    app.health = await admin('GET', '/health');
    app.actions = (await admin('GET', '/inspector/actions')).actions;
  } catch (error) {
    mount(
      view,
      h('p', { class: 'notice bad' }, `The admin API refused: ${error.message}`),
      error instanceof AdminError && error.status === 401 ? h('p', {}, 'Enter the admin token above.') : null,
    );
    return;
  }
  renderAdvance();
  await refreshClock();
  const status = document.getElementById('status');
  followEvents(
    (event) => {
      if (event.type === 'clock' || event.type === 'reset') refreshClock();
      for (const listener of [...listeners]) listener(event);
    },
    (state) => {
      status.dataset.status = state;
      status.textContent = state;
    },
  );
  window.addEventListener('hashchange', route);
  route();
}

start();
