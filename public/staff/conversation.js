// Staff console, conversation panel: the two-way thread of the inquiry shown in the details, live
// updates from /api/staff/events, and live chat (take over, reply live, release). Plain JavaScript;
// every value from the API is inserted as text, never as HTML.

(() => {
  /** The one way this file calls the API: the signed-in session (session.js adds the CSRF token). */
  async function callJson(path, body) {
    const res = await window.staffSession.fetch(path, body === undefined ? {} : { body });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(json?.error?.message || `HTTP ${res.status}`);
    return json;
  }

  const jst = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  const FROM_LABEL = { member: '会員 Member', staff: '担当者 Staff', bot: 'Bot' };

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props?.text !== undefined) node.textContent = props.text;
    if (props?.className) node.className = props.className;
    for (const [k, v] of Object.entries(props || {})) {
      if (k !== 'text' && k !== 'className') node.setAttribute(k, v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  let current = null;
  let stream = null;

  function panel() {
    return document.getElementById('inquiry-conversation');
  }

  function render() {
    const root = panel();
    if (!root || !current) return;
    const q = current;
    const live = q.liveChat;
    const messages = q.messages || [];
    const thread = el(
      'ol',
      { className: 'conv-thread', 'aria-live': 'polite', 'aria-label': 'Conversation' },
      ...(messages.length
        ? messages.map((m) =>
            el(
              'li',
              { className: `conv-line conv-${m.from}` },
              el('span', {
                className: 'conv-author',
                text: m.author ? `${m.author}（担当者）` : FROM_LABEL[m.from],
              }),
              el('time', { datetime: m.at, text: jst.format(new Date(m.at)) }),
              el('p', { text: m.text }),
            ),
          )
        : [el('li', { className: 'muted', text: 'まだメッセージはありません (no messages yet)' })]),
    );
    const state = el('p', {
      className: `conv-state ${live ? 'conv-live' : ''}`,
      text: live
        ? `ライブチャット中: ${live.name} (live since ${jst.format(new Date(live.since))})`
        : q.status === 'member_replied'
          ? '会員から返信があります (the member replied)'
          : 'ボットが応対中 (the bot answers the member)',
    });
    const buttons = el('div', { className: 'conv-buttons' });
    if (live) {
      buttons.append(
        el('button', { type: 'button', id: 'conv-release', text: 'ライブチャットを終了 Release' }),
      );
    } else if (q.status !== 'resolved') {
      buttons.append(
        el('button', { type: 'button', id: 'conv-takeover', text: 'ライブチャットを開始 Take over' }),
      );
    }
    const form = live
      ? el(
          'form',
          { id: 'conv-form', className: 'conv-form' },
          el('label', {
            for: 'conv-text',
            text: `${live.name} として送信 (sent live; no PIN, password or card number)`,
          }),
          el('textarea', { id: 'conv-text', rows: '3', maxlength: '2000', required: '' }),
          el('button', { type: 'submit', text: '送信 Send' }),
        )
      : null;
    const error = el('p', { className: 'conv-error', role: 'alert', id: 'conv-error' });
    root.replaceChildren(
      el('h3', { text: '会員との会話 Conversation' }),
      state,
      thread,
      buttons,
      form,
      error,
    );
    thread.scrollTop = thread.scrollHeight;
    root.querySelector('#conv-takeover')?.addEventListener('click', () => act('takeover', {}));
    root.querySelector('#conv-release')?.addEventListener('click', () => act('release', {}));
    form?.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = form.querySelector('textarea').value.trim();
      if (text) act('replies', { text });
    });
  }

  function shown(inquiry) {
    current = inquiry;
    render();
    document.dispatchEvent(new CustomEvent('staff:inquiry-updated', { detail: { inquiry } }));
  }

  async function act(path, body) {
    if (!current) return;
    try {
      const result = await callJson(`/api/staff/inquiries/${encodeURIComponent(current.id)}/${path}`, body);
      shown(result.inquiry);
    } catch (err) {
      const box = document.getElementById('conv-error');
      if (box) box.textContent = err.message;
    }
  }

  async function refresh(id) {
    try {
      const { inquiry } = await callJson(`/api/staff/inquiries/${encodeURIComponent(id)}`);
      if (current && current.id === inquiry.id) shown(inquiry);
    } catch {
      // The next event or the console's own refresh will try again.
    }
  }

  /** Reads the staff event stream (Server-Sent Events over fetch, so the same credentials apply). */
  async function listen() {
    if (stream) return;
    const controller = new AbortController();
    stream = controller;
    try {
      // A GET with the session cookie (no CSRF token needed to read).
      const res = await fetch('/api/staff/events', {
        credentials: 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
        headers: { Accept: 'text/event-stream' },
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() || '';
        for (const block of blocks) {
          const line = block.split('\n').find((l) => l.startsWith('data: '));
          if (!line) continue;
          const data = JSON.parse(line.slice(6));
          if (current && data.inquiryId === current.id) refresh(current.id);
          else document.dispatchEvent(new CustomEvent('staff:inquiry-event', { detail: data }));
        }
      }
    } catch {
      // Dropped or refused: try again shortly.
    }
    if (stream === controller) {
      stream = null;
      setTimeout(listen, 3000);
    }
  }

  document.addEventListener('staff:inquiry-shown', (event) => {
    current = event.detail.inquiry;
    render();
    listen();
  });
})();
