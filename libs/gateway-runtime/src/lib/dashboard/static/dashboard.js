// The ringcache dashboard: loads /api/v1/dashboard once, then follows /api/v1/events (Server-Sent Events
// read through fetch, so the API key travels in the Authorization header, never in a URL).
(function () {
  'use strict';
  const WINDOW_MS = 15 * 60 * 1000;
  const KEY_STORAGE = 'ringcache.apiKey';
  const $ = (id) => document.getElementById(id);
  const state = { members: [], samples: [], events: [], charts: new Map(), hotGroup: '' };

  function headers() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    return key ? { authorization: `Bearer ${key}` } : {};
  }

  /** A fetch that asks for a key when the gateway wants one; resolves undefined then. */
  async function api(path, init = {}) {
    const response = await fetch(path, { ...init, headers: { ...headers(), ...init.headers } });
    if (response.status === 401 || response.status === 403) {
      askForKey(response.status === 401 ? 'an API key is needed' : 'this key lacks the admin scope');
      return undefined;
    }
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response;
  }

  function askForKey(message) {
    $('key-form').hidden = false;
    $('key-error').textContent = message;
    setStatus('waiting for an API key', false);
  }

  function setStatus(text, live) {
    $('status').textContent = text;
    $('status').classList.toggle('live', live);
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('key').value);
    $('key-form').hidden = true;
    connect();
  });

  async function start() {
    const response = await api('/api/v1/dashboard');
    if (!response) return;
    const snapshot = await response.json();
    state.members = snapshot.members;
    state.samples = snapshot.samples;
    state.events = snapshot.events;
    render();
    void refreshHotKeys();
    void follow();
  }

  /** Reads the event stream until it ends, then connects again after 2 s. */
  async function follow() {
    try {
      const response = await api('/api/v1/events', { headers: { accept: 'text/event-stream' } });
      if (!response) return;
      setStatus('live', true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // The gateway went away or restarted: the status says so, and we try again.
    }
    setStatus('reconnecting…', false);
    setTimeout(connect, 2000);
  }

  function connect() {
    start().catch(() => {
      setStatus('gateway unreachable, retrying…', false);
      setTimeout(connect, 2000);
    });
  }

  function onFrame(frame) {
    let event = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const body = JSON.parse(data.join('\n'));
    if (event === 'sample') {
      state.samples.push(body.sample);
      const oldest = body.sample.t - WINDOW_MS;
      while (state.samples.length && state.samples[0].t < oldest) state.samples.shift();
      state.members = body.members;
    } else if (event === 'members') {
      state.members = body;
    } else if (event === 'cluster') {
      state.events.push(body);
      if (state.events.length > 100) state.events.shift();
    }
    render();
  }

  function render() {
    renderMembers();
    renderGroups();
    renderEvents();
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderMembers() {
    const body = $('members').tBodies[0];
    body.replaceChildren();
    for (const m of state.members) {
      const row = body.insertRow();
      row.dataset.node = m.name;
      cell(row, m.name);
      cell(row, m.grpcAddress);
      cell(row, m.httpAddress);
      cell(row, m.ready === null ? '…' : m.ready ? 'ready' : 'not ready', m.ready ? 'ready' : 'not-ready');
      cell(row, m.version ?? '');
      cell(row, m.startedAt ? duration(Date.now() - Date.parse(m.startedAt)) : '');
      const share = cell(row, '');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(m.share * 200)}px`;
      share.append(bar, `${(m.share * 100).toFixed(1)} %`);
    }
    $('member-count').textContent = `${state.members.length} node${state.members.length === 1 ? '' : 's'}`;
  }

  function renderGroups() {
    const latest = state.samples[state.samples.length - 1];
    const groups = [...new Set(state.samples.flatMap((s) => s.points.map((p) => p.group)))].sort();
    for (const group of groups) {
      const points = latest ? latest.points.filter((p) => p.group === group) : [];
      const view = state.charts.get(group) ?? createGroup(group);
      const sum = (key) => points.reduce((total, p) => total + p[key], 0);
      view.totals.replaceChildren(
        ...[
          ['hit ratio', ratio(hitRatio(points))],
          ['gets/s', sum('getsPerS').toFixed(1)],
          ['loads/s', sum('loadsPerS').toFixed(1)],
          ['evictions/s', sum('evictionsPerS').toFixed(1)],
          ['items', String(sum('items'))],
          ['bytes', bytes(sum('bytes'))],
        ].map(([label, value]) => {
          const span = document.createElement('span');
          span.dataset.counter = label;
          span.append(`${label} `, Object.assign(document.createElement('b'), { textContent: value }));
          return span;
        }),
      );
      const times = state.samples.map((s) => s.t / 1000);
      const of = (s) => s.points.filter((p) => p.group === group);
      const total = (key) => state.samples.map((s) => of(s).reduce((t, p) => t + p[key], 0));
      view.rates.setData([times, total('getsPerS'), total('loadsPerS'), total('evictionsPerS')]);
      view.hits.setData([times, state.samples.map((s) => hitRatio(of(s)))]);
      const nodes = [...new Set(state.samples.flatMap((s) => of(s).map((p) => p.node)))].sort();
      const budget = points.reduce((most, p) => Math.max(most, p.maxBytes), 0);
      if (view.nodes !== nodes.join('\n')) replaceBytesChart(view, nodes);
      view.bytes.setData([
        times,
        // A log scale: a node's bytes and its budget are orders of magnitude apart; 0 has no place on it.
        ...nodes.map((node) => state.samples.map((s) => of(s).find((p) => p.node === node)?.bytes || null)),
        times.map(() => budget || null),
      ]);
    }
    const select = $('hot-group');
    if (select.options.length !== groups.length) {
      select.replaceChildren(...groups.map((g) => new Option(g, g)));
      if (groups.includes(state.hotGroup)) select.value = state.hotGroup;
    }
  }

  function createGroup(group) {
    const box = document.createElement('div');
    box.className = 'group';
    box.dataset.group = group;
    box.innerHTML = '<h3></h3><div class="totals"></div><div class="charts"></div>';
    box.querySelector('h3').textContent = group;
    $('groups').append(box);
    const charts = box.querySelector('.charts');
    const view = { totals: box.querySelector('.totals'), charts, nodes: undefined };
    view.rates = chart(charts, 'per second, all nodes', [
      series('gets', '#4c78a8'),
      series('loads', '#f58518'),
      series('evictions', '#e45756'),
    ]);
    view.hits = chart(charts, 'hit ratio', [series('hit ratio', '#54a24b')], { y: { range: [0, 1] } });
    view.bytesBox = document.createElement('div');
    charts.append(view.bytesBox);
    state.charts.set(group, view);
    return view;
  }

  const PALETTE = ['#4c78a8', '#54a24b', '#b279a2', '#9d755d', '#72b7b2', '#eeca3b', '#ff9da6', '#bab0ac'];

  function replaceBytesChart(view, nodes) {
    view.bytes?.destroy();
    view.bytesBox.replaceChildren();
    view.nodes = nodes.join('\n');
    const lines = nodes.map((node, i) => series(node, PALETTE[i % PALETTE.length]));
    lines.push({ ...series('budget', '#f58518'), dash: [6, 4] });
    const log = { y: { distr: 3, log: 10 } };
    // Labels on powers of ten only: the log scale has a tick at every 1 to 9 of each decade.
    const decades = (n) => (Number.isInteger(Math.round(Math.log10(n) * 1e6) / 1e6) ? bytes(n) : '');
    const title = 'bytes per node, against the budget (log)';
    view.bytes = chart(view.bytesBox, title, lines, log, view.charts, decades);
  }

  function series(label, stroke) {
    return { label, stroke, width: 1.5, spanGaps: false };
  }

  /** A uPlot chart of `lines` over time, a third of `row` wide; `format` writes the y axis' values. */
  function chart(parent, title, lines, scales = {}, row = parent, format = (n) => String(n)) {
    const box = document.createElement('div');
    box.innerHTML = '<div class="chart-title"></div>';
    box.firstChild.textContent = title;
    parent.append(box);
    const width = Math.max(240, Math.floor(row.clientWidth / 3) - 12);
    const axes = [{}, { size: 80, values: (u, values) => values.map(format) }];
    const options = {
      width,
      height: 150,
      legend: { live: false },
      scales: { x: { time: true }, ...scales },
      series: [{}, ...lines],
      axes,
    };
    return new uPlot(options, [[], ...lines.map(() => [])], box);
  }

  function renderEvents() {
    const list = $('events');
    list.replaceChildren(
      ...state.events
        .slice(-20)
        .reverse()
        .map((e) => {
          const what =
            e.kind === 'flush'
              ? `group ${e.group} flushed`
              : `${e.node} ${e.kind === 'joined' ? 'joined' : 'left'}`;
          return Object.assign(document.createElement('li'), {
            textContent: `${new Date(e.t).toLocaleTimeString()} ${what}`,
          });
        }),
    );
  }

  async function refreshHotKeys() {
    const group = $('hot-group').value;
    state.hotGroup = group;
    if (!group) return;
    const response = await api(`/api/v1/groups/${encodeURIComponent(group)}/hot?limit=10`).catch(
      () => undefined,
    );
    const keys = response ? (await response.json()).keys : [];
    $('hot').replaceChildren(
      ...keys.map((k) =>
        Object.assign(document.createElement('li'), { textContent: `${k.key} — ${k.rate.toFixed(2)}/s` }),
      ),
    );
  }

  function hitRatio(points) {
    const gets = points.reduce((t, p) => t + (p.hitRatio === null ? 0 : p.getsPerS), 0);
    return gets > 0 ? points.reduce((t, p) => t + (p.hitRatio ?? 0) * p.getsPerS, 0) / gets : null;
  }

  const ratio = (r) => (r === null ? '–' : `${(r * 100).toFixed(1)} %`);
  const bytes = (n) =>
    n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;

  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  }

  $('hot-group').addEventListener('change', () => void refreshHotKeys());
  setInterval(() => void refreshHotKeys(), 5000);
  connect();
})();
