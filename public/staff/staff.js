// Staff console: plain JavaScript, no build step. All data comes from /api/staff with the token the
// staff member entered once (kept in sessionStorage, so it is gone when the tab closes). Every value
// from the API is inserted as text, never as HTML.

(() => {
  const TOKEN_KEY = 'staff.token';
  const NAME_KEY = 'staff.name';
  const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
  const STATUS_LABEL = {
    new: '新規 new',
    in_progress: '対応中 in progress',
    waiting_member: '返答待ち waiting',
    member_replied: '会員から返信 member replied',
    resolved: '解決 resolved',
  };
  const PRIORITY_LABEL = { urgent: '緊急 urgent', high: '高 high', normal: '中 normal', low: '低 low' };
  const REFRESH_MS = 60_000;

  const $ = (id) => document.getElementById(id);
  const jst = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

  let currentId = null;
  let refreshTimer = null;

  function formatJst(iso) {
    if (!iso) return '';
    return `${jst.format(new Date(iso))} JST`;
  }

  function relative(iso, now) {
    const minutes = Math.round((Date.parse(iso) - now) / 60000);
    const abs = Math.abs(minutes);
    const span =
      abs >= 48 * 60
        ? `${Math.round(abs / 1440)} d`
        : abs >= 120
          ? `${Math.round(abs / 60)} h`
          : `${abs} min`;
    return minutes >= 0 ? `in ${span}` : `${span} ago`;
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'className') node.className = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key === 'text') node.textContent = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function say(message) {
    $('status').textContent = message;
    $('alert').textContent = '';
  }

  function alertMessage(message) {
    $('alert').textContent = message;
  }

  class ApiError extends Error {
    constructor(status, body) {
      const error = body?.error || {};
      let message = error.message || `Request failed (${status})`;
      if (error.fields) {
        message += ` — ${Object.entries(error.fields)
          .map(([field, problems]) => `${field}: ${problems.join(', ')}`)
          .join('; ')}`;
      }
      if (error.allowed) message += ` (allowed: ${error.allowed.join(', ') || 'none'})`;
      super(message);
      this.status = status;
    }
  }

  async function api(path, options = {}) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
    if (res.status === 204) return null;
    const body = await res.json().catch(() => null);
    if (res.status === 401) {
      signOut();
      alertMessage('The staff token was not accepted. Please sign in again.');
      throw new ApiError(401, body);
    }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }

  // --- sign in / out -------------------------------------------------------------------------

  function showConsole(signedIn) {
    $('login').hidden = signedIn;
    $('console').hidden = !signedIn;
    $('who').hidden = !signedIn;
    $('who-name').textContent = sessionStorage.getItem(NAME_KEY) || '';
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(refreshTimer);
    refreshTimer = null;
    currentId = null;
    $('detail').hidden = true;
    showConsole(false);
    $('login-token').value = '';
    $('login-name').value = sessionStorage.getItem(NAME_KEY) || '';
    $('login-token').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const name = $('login-name').value.trim();
    const token = $('login-token').value.trim();
    if (!name || !token) {
      alertMessage('Enter your name and the staff token.');
      (name ? $('login-token') : $('login-name')).focus();
      return;
    }
    sessionStorage.setItem(NAME_KEY, name);
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
      await start();
      say('Signed in.');
    } catch (err) {
      if (err.status !== 401) alertMessage(err.message);
    }
  }

  async function start() {
    const meta = await api('/api/staff/meta');
    // Problems with the data itself (e.g. "1 inquiry could not be read") stay on screen.
    const health = await api('/api/staff/health');
    $('health').textContent = health.problems.join(' ');
    const topic = $('f-topic');
    if (topic.options.length <= 1) {
      for (const id of meta.topics) topic.append(el('option', { value: id, text: id }));
    }
    showConsole(true);
    await Promise.all([loadQueue(), loadUnanswered()]);
    $('queue-heading').focus();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(() => {
      loadQueue({ quiet: true }).catch(() => undefined);
    }, REFRESH_MS);
  }

  // --- queue ---------------------------------------------------------------------------------

  function queueQuery() {
    const params = new URLSearchParams();
    const status = $('f-status').value;
    if (status) params.set('status', status);
    if ($('f-priority').value) params.set('priority', $('f-priority').value);
    if ($('f-topic').value) params.set('topic', $('f-topic').value);
    if ($('f-overdue').checked) params.set('overdue', 'true');
    const qs = params.toString();
    return `/api/staff/inquiries${qs ? `?${qs}` : ''}`;
  }

  function badge(kind, value, label) {
    return el('span', { className: `badge ${kind}-${value}`, text: label || value });
  }

  async function loadQueue({ quiet = false } = {}) {
    const data = await api(queueQuery());
    const now = Date.parse(data.now) || Date.now();
    const rows = data.inquiries
      .slice()
      .sort(
        (a, b) =>
          PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
          a.dueAt.localeCompare(b.dueAt) ||
          a.createdAt.localeCompare(b.createdAt),
      );
    // Keep keyboard focus on the same inquiry across a refresh.
    const focusedId = document.activeElement?.dataset?.id;
    const tbody = $('queue').tBodies[0];
    tbody.replaceChildren(
      ...rows.map((q) => {
        const due = el(
          'td',
          { className: 'due' },
          el('time', { datetime: q.dueAt, text: formatJst(q.dueAt) }),
          el(
            'div',
            { className: 'rel' },
            q.overdue ? el('span', { className: 'badge overdue-badge', text: '期限超過 Overdue' }) : null,
            ` ${relative(q.dueAt, now)}`,
          ),
        );
        const open = el('button', {
          type: 'button',
          className: 'linkish',
          dataset: { id: q.id },
          'aria-current': q.id === currentId ? 'true' : null,
          text: q.summary || '(no summary)',
        });
        return el(
          'tr',
          {
            className: [q.overdue ? 'overdue' : '', `row-${q.priority}`, q.id === currentId ? 'current' : '']
              .filter(Boolean)
              .join(' '),
            dataset: { id: q.id },
          },
          el('td', null, badge('priority', q.priority, PRIORITY_LABEL[q.priority])),
          el(
            'td',
            { className: 'summary-cell' },
            open,
            el(
              'div',
              { className: 'muted small' },
              el('span', { className: 'topic', text: q.topic }),
              ` · ${q.id} · received `,
              el('time', { className: 'received', datetime: q.createdAt, text: formatJst(q.createdAt) }),
            ),
          ),
          due,
          el('td', null, badge('status', q.status, STATUS_LABEL[q.status])),
          el('td', { text: q.assignee || '—' }),
        );
      }),
    );
    $('queue-empty').hidden = rows.length > 0;
    const overdue = rows.filter((q) => q.overdue).length;
    $('queue-count').textContent = `${rows.length} shown${overdue ? `, ${overdue} overdue` : ''}`;
    $('updated').textContent = `Updated ${formatJst(data.now)}`;
    if (focusedId) tbody.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`)?.focus();
    if (!quiet) say(`${rows.length} inquiries${overdue ? `, ${overdue} overdue` : ''}.`);
  }

  // --- detail --------------------------------------------------------------------------------

  function facts(target, pairs) {
    target.replaceChildren(
      ...pairs.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', null, value)]),
    );
  }

  function renderDetail(q) {
    currentId = q.id;
    $('detail').hidden = false;
    $('detail-heading').textContent = `Inquiry ${q.id}`;
    facts($('detail-facts'), [
      ['Priority', badge('priority', q.priority, PRIORITY_LABEL[q.priority])],
      ['Status', badge('status', q.status, STATUS_LABEL[q.status])],
      [
        'Due',
        el(
          'span',
          null,
          el('time', { datetime: q.dueAt, text: formatJst(q.dueAt) }),
          q.overdue ? el('span', { className: 'badge overdue-badge', text: '期限超過 Overdue' }) : null,
        ),
      ],
      ['Received', el('time', { datetime: q.createdAt, text: formatJst(q.createdAt) })],
      ['Topic', q.topic],
      ['Language', q.locale === 'ja' ? '日本語 (ja)' : 'English (en)'],
      ['Channel', q.channel || '—'],
      ['Assignee', q.assignee || '—'],
    ]);
    $('detail-summary').textContent = q.summary || '(none)';
    const details = Object.entries(q.details || {});
    $('detail-details-wrap').hidden = details.length === 0;
    facts($('detail-details'), details);
    $('detail-excerpt').replaceChildren(
      ...q.excerpt.map((line) =>
        el(
          'li',
          { className: `line from-${line.from}` },
          el('span', { className: 'author', text: line.from === 'member' ? '会員 Member' : 'Bot' }),
          el('time', { datetime: line.at, text: formatJst(line.at) }),
          el('p', { text: line.text }),
        ),
      ),
    );
    if (q.excerpt.length === 0)
      $('detail-excerpt').append(el('li', { className: 'muted', text: '(no excerpt)' }));
    $('assign-input').value = q.assignee || '';
    const select = $('status-select');
    select.replaceChildren(
      ...q.allowedStatuses.map((s) => el('option', { value: s, text: STATUS_LABEL[s] || s })),
    );
    select.disabled = q.allowedStatuses.length === 0;
    const resolved = q.status === 'resolved';
    $('reply-text').disabled = resolved;
    $('reply-form').querySelector('button').disabled = resolved;
    $('reply-text').placeholder = resolved ? 'Resolved: move it back to in_progress to reply.' : '';
    $('detail-replies').replaceChildren(
      ...(q.replies.length
        ? q.replies.map((r) =>
            el(
              'li',
              null,
              el('span', { className: 'author', text: r.author }),
              el('time', { datetime: r.at, text: formatJst(r.at) }),
              badge(
                'delivery',
                r.delivery,
                r.delivery === 'delivered' ? 'delivered to chat' : 'pending: shown on next visit',
              ),
              el('p', { text: r.text }),
            ),
          )
        : [el('li', { className: 'muted', text: '(no replies yet)' })]),
    );
    $('detail-notes').replaceChildren(
      ...(q.notes.length
        ? q.notes.map((n) =>
            el(
              'li',
              null,
              el('span', { className: 'author', text: n.author }),
              el('time', { datetime: n.at, text: formatJst(n.at) }),
              el('p', { text: n.text }),
            ),
          )
        : [el('li', { className: 'muted', text: '(no notes yet)' })]),
    );
    for (const row of $('queue').tBodies[0].rows) {
      row.classList.toggle('current', row.dataset.id === q.id);
      row.querySelector('button')?.toggleAttribute('aria-current', row.dataset.id === q.id);
    }
    document.dispatchEvent(new CustomEvent('staff:inquiry-shown', { detail: { inquiry: q } }));
  }
  // The conversation panel (conversation.js) changed the inquiry: show the new version.
  document.addEventListener('staff:inquiry-updated', (e) => {
    if (e.detail?.inquiry?.id === currentId) renderDetail(e.detail.inquiry);
    loadQueue({ quiet: true }).catch(() => undefined);
  });

  async function openInquiry(id) {
    const { inquiry } = await api(`/api/staff/inquiries/${encodeURIComponent(id)}`);
    renderDetail(inquiry);
    $('detail-heading').focus();
    say(`Opened inquiry ${inquiry.id}.`);
  }

  function closeDetail() {
    const id = currentId;
    currentId = null;
    $('detail').hidden = true;
    for (const row of $('queue').tBodies[0].rows) row.classList.remove('current');
    const button = id && $('queue').querySelector(`button[data-id="${CSS.escape(id)}"]`);
    (button || $('queue-heading')).focus();
  }

  async function act(path, body, done) {
    if (!currentId) return;
    try {
      const result = await api(`/api/staff/inquiries/${encodeURIComponent(currentId)}/${path}`, {
        method: 'POST',
        body,
      });
      renderDetail(result.inquiry);
      say(done(result));
      await loadQueue({ quiet: true });
    } catch (err) {
      if (err.status !== 401) alertMessage(err.message);
    }
  }

  // --- unanswered ----------------------------------------------------------------------------

  async function loadUnanswered() {
    const { groups } = await api('/api/staff/unanswered');
    const tbody = $('unanswered').tBodies[0];
    tbody.replaceChildren(
      ...groups.map((g) =>
        el(
          'tr',
          null,
          el('td', { className: 'num', text: g.count }),
          el('td', { text: g.examples[0] || g.normalized }),
          el('td', { className: 'muted', text: g.examples.slice(1).join(' / ') }),
          el('td', { text: g.lang }),
          el('td', null, el('time', { datetime: g.lastSeen, text: formatJst(g.lastSeen) })),
          el(
            'td',
            null,
            el('button', {
              type: 'button',
              className: 'dismiss',
              dataset: { group: g.id },
              'aria-label': `Dismiss “${g.examples[0] || g.normalized}” (content added)`,
              text: 'Dismiss',
            }),
          ),
        ),
      ),
    );
    $('unanswered-empty').hidden = groups.length > 0;
  }

  // --- wiring --------------------------------------------------------------------------------

  function wire() {
    $('login-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => {
      signOut();
      say('Signed out.');
    });
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      loadQueue().catch((err) => err.status !== 401 && alertMessage(err.message));
    });
    for (const id of ['f-status', 'f-priority', 'f-topic', 'f-overdue']) {
      $(id).addEventListener('change', () =>
        loadQueue().catch((err) => err.status !== 401 && alertMessage(err.message)),
      );
    }
    $('refresh').addEventListener('click', () =>
      Promise.all([loadQueue(), loadUnanswered()]).catch(
        (err) => err.status !== 401 && alertMessage(err.message),
      ),
    );
    $('queue').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-id]');
      if (button)
        openInquiry(button.dataset.id).catch((err) => err.status !== 401 && alertMessage(err.message));
    });
    $('detail-close').addEventListener('click', closeDetail);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !$('detail').hidden) closeDetail();
    });
    $('assign-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const assignee = $('assign-input').value.trim();
      act('assign', { assignee: assignee || null }, (r) =>
        r.inquiry.assignee ? `Assigned to ${r.inquiry.assignee}.` : 'Unassigned.',
      );
    });
    $('assign-me').addEventListener('click', () => {
      act(
        'assign',
        { assignee: sessionStorage.getItem(NAME_KEY) },
        (r) => `Assigned to ${r.inquiry.assignee}.`,
      );
    });
    $('status-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act('status', { status: $('status-select').value }, (r) => `Status is now ${r.inquiry.status}.`);
    });
    $('reply-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('reply-text').value.trim();
      if (!text) {
        alertMessage('Write a reply first.');
        $('reply-text').focus();
        return;
      }
      act('replies', { text, author: sessionStorage.getItem(NAME_KEY) }, (r) => {
        $('reply-text').value = '';
        return r.delivery === 'delivered'
          ? 'Reply sent to the member’s chat.'
          : 'Reply saved; the member will see it on their next visit.';
      });
    });
    $('note-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('note-text').value.trim();
      if (!text) {
        alertMessage('Write a note first.');
        $('note-text').focus();
        return;
      }
      act('notes', { text, author: sessionStorage.getItem(NAME_KEY) }, () => {
        $('note-text').value = '';
        return 'Note added.';
      });
    });
    $('unanswered-refresh').addEventListener('click', () =>
      loadUnanswered().catch((err) => err.status !== 401 && alertMessage(err.message)),
    );
    $('unanswered').addEventListener('click', async (event) => {
      const button = event.target.closest('button[data-group]');
      if (!button) return;
      try {
        await api(`/api/staff/unanswered/${encodeURIComponent(button.dataset.group)}`, { method: 'DELETE' });
        await loadUnanswered();
        $('unanswered-heading').focus();
        say('Dismissed.');
      } catch (err) {
        if (err.status !== 401) alertMessage(err.message);
      }
    });
  }

  wire();
  if (sessionStorage.getItem(TOKEN_KEY)) {
    start().catch((err) => {
      if (err.status !== 401) {
        showConsole(false);
        alertMessage(err.message);
      }
    });
  } else {
    showConsole(false);
    $('login-name').value = sessionStorage.getItem(NAME_KEY) || '';
  }
})();
