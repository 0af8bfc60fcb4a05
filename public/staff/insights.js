// Insight dashboard: plain JavaScript, no build step; charts by Chart.js (served from node_modules by
// the bot itself). Each chart has its numbers in a table beside it. API values go in as text only.

/** The one way this page calls the staff API: the session signed in at /staff (session.js, cookie). */
async function staffApi(path) {
  const res = await window.staffSession.fetch(path);
  if (res.status === 401)
    throw new Error('サインインの有効期限が切れました。/staff でサインインし直してください。');
  if (!res.ok)
    throw new Error(
      `データを取得できませんでした（${res.status}）。しばらくしてからもう一度お試しください。`,
    );
  return res;
}

(() => {
  const $ = (id) => document.getElementById(id);
  const DAY_MS = 24 * 60 * 60 * 1000;
  const JST_MS = 9 * 60 * 60 * 1000;
  const charts = {};
  let labels = {};

  const pct = (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–');
  const pctNum = (part, whole) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);
  const topicName = (t) => labels[t] || (t === 'none' ? '分類なし' : t || '–');
  const jstDateOf = (ms) => new Date(ms + JST_MS).toISOString().slice(0, 10);
  const jstTime = (iso) => {
    const d = new Date(Date.parse(iso) + JST_MS).toISOString();
    return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
  };
  /** 'YYYY-MM-DD' (JST) → the instant its Tokyo day starts. */
  const jstMidnight = (date) => new Date(`${date}T00:00:00+09:00`);

  function showError(message) {
    const alert = $('alert');
    alert.textContent = message;
    alert.hidden = !message;
  }

  function fillTable(id, rows) {
    const body = $(id).querySelector('tbody');
    body.replaceChildren();
    for (const cells of rows) {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        if (typeof cell === 'number' || /^[\d.]+%?$|^–$/.test(String(cell))) td.className = 'num';
        tr.append(td);
      }
      body.append(tr);
    }
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = $(id).querySelectorAll('thead th').length;
      td.textContent = 'この期間のデータはありません';
      tr.append(td);
      body.append(tr);
    }
  }

  function draw(id, config) {
    if (!window.Chart) return; // the tables still carry every number
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    });
  }

  function render(m, groups) {
    $('kpi-conversations').textContent = String(m.conversations);
    $('kpi-contained').textContent = pct(m.contained, m.conversations);
    $('kpi-handedoff').textContent = pct(m.handedOff, m.conversations);
    $('kpi-fallback').textContent = pct(m.fallbackTurns, m.turns);
    $('kpi-csat').textContent = pct(m.csat.positive, m.csat.positive + m.csat.negative);

    fillTable(
      'table-series',
      m.series.map((r) => [
        r.date,
        r.conversations,
        pct(r.contained, r.conversations),
        pct(r.handedOff, r.conversations),
        r.fallbackTurns,
      ]),
    );
    draw('chart-series', {
      type: 'line',
      data: {
        labels: m.series.map((r) => r.date.slice(5)),
        datasets: [
          {
            label: '自己解決率 %',
            data: m.series.map((r) => pctNum(r.contained, r.conversations)),
            yAxisID: 'rate',
            borderColor: '#0b57d0',
            backgroundColor: '#0b57d0',
          },
          {
            label: '有人対応率 %',
            data: m.series.map((r) => pctNum(r.handedOff, r.conversations)),
            yAxisID: 'rate',
            borderColor: '#b3261e',
            backgroundColor: '#b3261e',
          },
          {
            label: 'フォールバック（発言数）',
            data: m.series.map((r) => r.fallbackTurns),
            yAxisID: 'count',
            borderColor: '#8a4b00',
            backgroundColor: '#8a4b00',
            borderDash: [6, 4],
          },
        ],
      },
      options: {
        scales: {
          rate: { position: 'left', min: 0, max: 100, title: { display: true, text: '%' } },
          count: {
            position: 'right',
            beginAtZero: true,
            ticks: { precision: 0 },
            grid: { drawOnChartArea: false },
          },
        },
      },
    });

    fillTable(
      'table-topics',
      m.topics.map((t) => [topicName(t.topic), t.count]),
    );
    draw('chart-topics', {
      type: 'bar',
      data: {
        labels: m.topics.map((t) => topicName(t.topic)),
        datasets: [{ label: '件数', data: m.topics.map((t) => t.count), backgroundColor: '#0b57d0' }],
      },
      options: {
        indexAxis: 'y',
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });

    fillTable(
      'table-csat',
      m.csatByTopic.map((t) => [
        topicName(t.topic),
        t.positive,
        t.negative,
        pct(t.positive, t.positive + t.negative),
      ]),
    );
    draw('chart-csat', {
      type: 'bar',
      data: {
        labels: m.csatByTopic.map((t) => topicName(t.topic)),
        datasets: [
          { label: 'はい', data: m.csatByTopic.map((t) => t.positive), backgroundColor: '#1e7d32' },
          { label: 'いいえ', data: m.csatByTopic.map((t) => t.negative), backgroundColor: '#b3261e' },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
      },
    });

    fillTable(
      'table-hours',
      m.byHour.map((h) => [`${h.hour}時`, h.conversations, h.handedOff]),
    );
    draw('chart-hours', {
      type: 'bar',
      data: {
        labels: m.byHour.map((h) => `${h.hour}時`),
        datasets: [
          { label: '会話数', data: m.byHour.map((h) => h.conversations), backgroundColor: '#0b57d0' },
          { label: '有人対応', data: m.byHour.map((h) => h.handedOff), backgroundColor: '#b3261e' },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });

    fillTable(
      'table-unanswered',
      groups
        .slice(0, 20)
        .map((g) => [
          g.examples[0] || g.normalized,
          g.count,
          g.topic ? topicName(g.topic) : '（なし）',
          jstTime(g.lastSeen),
        ]),
    );
  }

  function windowQuery() {
    const from = jstMidnight($('from').value);
    const to = new Date(jstMidnight($('to').value).getTime() + DAY_MS);
    return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  }

  async function load() {
    showError('');
    try {
      const [metrics, unanswered, topicLabels] = await Promise.all([
        staffApi(`/api/staff/metrics?${windowQuery()}`).then((r) => r.json()),
        staffApi('/api/staff/unanswered').then((r) => r.json()),
        staffApi('/api/staff/topic-labels').then((r) => r.json()),
      ]);
      labels = topicLabels.labels || {};
      render(metrics, unanswered.groups || []);
      document.body.dataset.loaded = 'true';
    } catch (err) {
      showError(err.message);
    }
  }

  async function downloadCsv() {
    try {
      const text = await (await staffApi(`/api/staff/metrics.csv?${windowQuery()}`)).text();
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `metrics-${$('from').value}-${$('to').value}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      showError(err.message);
    }
  }

  const params = new URLSearchParams(location.search);
  const today = jstDateOf(Date.now());
  $('to').value = params.get('to') || today;
  $('from').value = params.get('from') || jstDateOf(Date.now() - 29 * DAY_MS);
  $('range').addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  $('csv').addEventListener('click', () => void downloadCsv());
  void load();
})();
