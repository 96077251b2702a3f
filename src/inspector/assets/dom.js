// Small DOM helpers. Text from the simulator (bodies, paths, ids) is only ever set as text, never as HTML.

/**
 * Creates an element: `attrs` sets attributes (`on*` functions become listeners, `class`, `data-*`, booleans),
 * children are nodes or strings (as text); null, undefined and false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      element.value = value;
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `element`. */
export function mount(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Simulator time as HH:MM:SS.mmm (UTC), the way the live log prints it. */
export function toClock(time) {
  return new Date(time).toISOString().slice(11, 23);
}

/** Simulator time as an ISO date and time. */
export function toIso(time) {
  return new Date(time).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** A body pretty-printed: JSON indented, XML broken into indented lines, anything else as is. */
export function toPretty(body) {
  if (body === undefined || body === null) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return text;
    }
  }
  if (trimmed.startsWith('<')) return toPrettyXml(trimmed);
  return text;
}

function toPrettyXml(xml) {
  let depth = 0;
  return xml
    .replace(/>\s*</g, '>\n<')
    .split('\n')
    .map((line) => {
      if (/^<\//.test(line)) depth = Math.max(depth - 1, 0);
      const indented = `${'  '.repeat(depth)}${line}`;
      if (/^<[A-Za-z_]/.test(line) && !line.endsWith('/>') && !line.includes('</')) depth++;
      return indented;
    })
    .join('\n');
}

/** A block of pretty-printed body text, or a muted "(empty)". */
export function bodyBlock(body) {
  const text = toPretty(body);
  return text === '' ? h('p', { class: 'muted' }, '(empty)') : h('pre', { class: 'body' }, text);
}

/**
 * The expanded view of a journaled request: its note, then `extra` (e.g. its id and route), then the headers and
 * bodies of the request and of the answer.
 */
export function requestDetails(r, ...extra) {
  return h(
    'div',
    { class: 'expanded' },
    r.note ? h('p', { class: 'note' }, r.note) : null,
    ...extra,
    h('h4', {}, 'Request headers'),
    headerTable(r.requestHeaders),
    h('h4', {}, 'Request body'),
    bodyBlock(r.requestBody),
    h('h4', {}, 'Response headers'),
    headerTable(r.responseHeaders),
    h('h4', {}, 'Response body'),
    bodyBlock(r.responseBody),
  );
}

/** A two-column table of headers; names matching `highlight` are marked. */
export function headerTable(headers, highlight = /(^|-)(signature|sign|hmac|jws|digest)|^authorization$/i) {
  const names = Object.keys(headers ?? {});
  if (names.length === 0) return h('p', { class: 'muted' }, '(no headers)');
  return h(
    'table',
    { class: 'headers' },
    h(
      'tbody',
      {},
      names.map((name) =>
        h(
          'tr',
          { class: highlight.test(name) ? 'signature' : null },
          h('th', {}, name),
          h('td', {}, headers[name]),
        ),
      ),
    ),
  );
}

/** A coloured status badge: 2xx ok, 3xx/4xx warn, 5xx and no answer bad. */
export function statusBadge(status, text = status === null || status === 0 ? 'no answer' : String(status)) {
  const kind = status >= 200 && status < 300 ? 'ok' : status >= 300 && status < 500 ? 'warn' : 'bad';
  return h('span', { class: `badge ${kind}` }, text);
}

/** Runs `task` at most once per `ms`, at the end of the period (later calls in it are merged). */
export function throttle(task, ms) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      task();
    }, ms);
  };
}

/** The first `size` characters of an id, with an ellipsis when cut. */
export function shortId(id, size = 12) {
  return id.length > size ? `${id.slice(0, size)}…` : id;
}
