// Staff console: plain JavaScript, no build step. All data comes from /api/staff as the signed-in
// account (session.js: an HttpOnly cookie and the CSRF token). Every value from the API is inserted
// as text, never as HTML.

(() => {
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

  /** 「あと25分」 before the due time, 「3時間超過」 after it (never "in 0 min" once overdue). */
  function relative(iso, now) {
    const ms = Date.parse(iso) - now;
    const abs = Math.abs(ms) / 60000;
    const span =
      abs >= 48 * 60
        ? `${Math.floor(abs / 1440)}日`
        : abs >= 120
          ? `${Math.floor(abs / 60)}時間`
          : abs >= 1
            ? `${Math.floor(abs)}分`
            : '1分未満';
    return ms >= 0 ? `あと${span}` : `${span}超過`;
  }

  const TOPIC_LABEL = {
    'login.trouble': 'ログインできない',
    'webid.issue': 'Web-ID 発行',
    'webid.forgot': 'Web-ID 再発行',
    'card.lost': 'カード紛失・盗難',
    'card.pin_forgot': '暗証番号を忘れた',
    'support.hours': '受付時間',
    'services.overview': 'Webサービス',
    'payment.inquiry': '返済のご相談',
    greeting: 'あいさつ',
    thanks_bye: 'お礼・終了',
    cancel: '取り消し',
    none: 'その他',
  };
  const topicLabel = (id) => (TOPIC_LABEL[id] ? `${TOPIC_LABEL[id]} (${id})` : id);

  // Flow facts as staff read them: labelled, values in words, instants in JST.
  const DETAIL_LABEL = {
    lostOrStolen: '紛失/盗難',
    calledCallCenter: 'コールセンターへ連絡',
    lostAt: '紛失・盗難の日時',
  };
  const DETAIL_VALUE = {
    lost: '紛失',
    stolen: '盗難',
    unknown: '不明',
    yes: 'はい',
    no: 'いいえ',
    true: 'はい',
    false: 'いいえ',
  };
  function detailValue(value) {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return formatJst(value);
    return DETAIL_VALUE[value] || value;
  }
  const ACTION_LABEL = {
    view: '閲覧',
    assign: '担当者設定',
    status: '状態変更',
    note: 'メモ',
    reply: '返信',
    classify: '分類変更',
    takeover: 'ライブ対応開始',
    release: 'ライブ対応終了',
    sign_in: 'サインイン',
    sign_in_failed: 'サインイン失敗',
    sign_out: 'サインアウト',
    account_disable: 'アカウント無効化',
    account_enable: 'アカウント有効化',
  };

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
    const res = await window.staffSession.fetch(path, options);
    if (res.status === 204) return null;
    const body = await res.json().catch(() => null);
    if (res.status === 401) {
      showSignIn();
      alertMessage(
        'セッションが終了しました。もう一度サインインしてください。 Your session ended; please sign in again.',
      );
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
    const me = window.staffSession.current();
    $('who-name').textContent = me
      ? `${me.name} (${me.role === 'supervisor' ? 'スーパーバイザー' : '担当者'})`
      : '';
    document.body.dataset.role = me?.role || '';
  }

  function showSignIn() {
    clearInterval(refreshTimer);
    refreshTimer = null;
    currentId = null;
    $('detail').hidden = true;
    showConsole(false);
    $('login-password').value = '';
    ($('login-name').value ? $('login-password') : $('login-name')).focus();
  }

  async function signOut() {
    await window.staffSession.signOut();
    showSignIn();
    say('サインアウトしました。 Signed out.');
  }

  async function signIn(event) {
    event.preventDefault();
    const login = $('login-name').value.trim();
    const password = $('login-password').value;
    if (!login || !password) {
      alertMessage('ログインIDとパスワードを入力してください。 Enter your login and password.');
      (login ? $('login-password') : $('login-name')).focus();
      return;
    }
    try {
      await window.staffSession.signIn(login, password);
      $('login-password').value = '';
      await start();
      say('サインインしました。 Signed in.');
    } catch (err) {
      $('login-password').value = '';
      alertMessage(
        err.status === 429
          ? 'サインインの失敗が続いたため、しばらくお待ちください。 Too many failed sign-ins; try again later.'
          : err.status === 401
            ? 'ログインIDまたはパスワードが正しくありません。 The login or password is not correct.'
            : err.message,
      );
      $('login-password').focus();
    }
  }

  async function start() {
    meta = await api('/api/staff/meta');
    // Problems with the data itself (e.g. "1 inquiry could not be read") stay on screen.
    const health = await api('/api/staff/health');
    $('health').textContent = health.problems.join(' ');
    const topic = $('f-topic');
    if (topic.options.length <= 1) {
      for (const id of meta.topics) topic.append(el('option', { value: id, text: topicLabel(id) }));
    }
    showConsole(true);
    const supervisor = window.staffSession.current()?.role === 'supervisor';
    $('audit-section').hidden = !supervisor;
    await Promise.all([loadQueue(), loadUnanswered(), supervisor ? loadAudit() : null]);
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
      ['Topic', topicLabel(q.topic)],
      ['Language', q.locale === 'ja' ? '日本語 (ja)' : 'English (en)'],
      ['Channel', q.channel || '—'],
      ['Assignee', q.assignee || '—'],
    ]);
    $('detail-summary').textContent = q.summary || '(none)';
    const details = Object.entries(q.details || {}).map(([k, v]) => [DETAIL_LABEL[k] || k, detailValue(v)]);
    $('detail-details-wrap').hidden = details.length === 0;
    facts($('detail-details'), details);
    renderClassify(q);
    renderCanned(q);
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
                r.delivery === 'pushed'
                  ? 'pushed: reached the member’s open chat'
                  : 'pending: not read yet; waits in the member’s chat',
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

  let meta = { topics: [], priorities: [], cannedReplies: [] };

  function renderClassify(q) {
    const form = $('classify-form');
    const supervisor = window.staffSession.current()?.role === 'supervisor';
    form.hidden = !supervisor;
    if (!supervisor) return;
    $('classify-topic').replaceChildren(
      ...meta.topics.map((t) => el('option', { value: t, text: topicLabel(t), selected: t === q.topic })),
    );
    $('classify-priority').replaceChildren(
      ...meta.priorities.map((p) =>
        el('option', { value: p, text: PRIORITY_LABEL[p] || p, selected: p === q.priority }),
      ),
    );
  }

  function renderCanned(q) {
    const lang = q.locale === 'en' ? 'en' : 'ja';
    const fitting = meta.cannedReplies.filter((c) => !c.topic || c.topic === q.topic);
    $('canned-select').replaceChildren(
      el('option', { value: '', text: '定型文を選ぶ… Canned reply…' }),
      ...fitting.map((c) => el('option', { value: c.id, text: c.label.ja, dataset: { text: c.text[lang] } })),
    );
    $('canned-wrap').hidden = fitting.length === 0;
  }

  async function loadAudit() {
    const params = new URLSearchParams();
    const inquiry = $('audit-inquiry').value.trim();
    const actor = $('audit-actor').value.trim();
    if (inquiry) params.set('inquiry', inquiry);
    if (actor) params.set('actor', actor);
    params.set('limit', '100');
    const { entries } = await api(`/api/staff/audit?${params}`);
    $('audit').tBodies[0].replaceChildren(
      ...entries.map((e) =>
        el(
          'tr',
          null,
          el('td', null, el('time', { datetime: e.at, text: formatJst(e.at) })),
          el('td', { text: e.actor }),
          el('td', { text: ACTION_LABEL[e.action] || e.action }),
          el('td', { text: e.inquiryId || '—' }),
          el('td', {
            text: Object.entries(e.detail || {})
              .map(([k, v]) => `${k}: ${v}`)
              .join(', '),
          }),
        ),
      ),
    );
    $('audit-empty').hidden = entries.length > 0;
  }

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
    });
    $('audit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      loadAudit().catch((err) => {
        if (err.status !== 401) alertMessage(err.message);
      });
    });
    $('canned-select').addEventListener('change', () => {
      const option = $('canned-select').selectedOptions[0];
      if (option?.dataset.text) {
        $('reply-text').value = option.dataset.text;
        $('reply-text').focus();
      }
    });
    $('classify-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const { inquiry } = await api(`/api/staff/inquiries/${encodeURIComponent(currentId)}/classify`, {
          body: { topic: $('classify-topic').value, priority: $('classify-priority').value },
        });
        renderDetail(inquiry);
        await loadQueue({ quiet: true });
        say('分類を変更しました。 Re-filed.');
      } catch (err) {
        if (err.status !== 401) alertMessage(err.message);
      }
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
        { assignee: window.staffSession.current()?.name },
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
      act('replies', { text }, (r) => {
        $('reply-text').value = '';
        return r.delivery === 'pushed'
          ? 'Reply reached the member’s open chat.'
          : 'Reply saved; no open chat took it yet. The member sees it when they come back.';
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
      act('notes', { text }, () => {
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
  // A reload keeps the session (the cookie): restore it, else show the sign-in form.
  window.staffSession
    .restore()
    .then((session) => (session ? start() : showConsole(false)))
    .catch((err) => {
      showConsole(false);
      if (err.status !== 401) alertMessage(err.message);
    });
})();
