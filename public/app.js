// Member-support chat page: the official Web Chat (window.WebChat from /webchat.js) talking to the
// bot's own Direct Line endpoint. The token, conversation id and resume credential live in
// localStorage, so a reload, or a tab opened again later in this browser, continues the same
// conversation (its transcript, with any staff reply that came meanwhile, is replayed from the server)
// while the server keeps it (DIRECTLINE_RETENTION_HOURS); after the 30-minute token expired, the
// resume credential gets a fresh one. Only when the server no longer has it does a fresh one start.
// "Start a new conversation" forgets the remembered one.
// Activities arrive over the Direct Line WebSocket stream. botframework-directlinejs does not fall back
// to polling by itself (it keeps retrying the socket), so this page does: when the stream cannot be
// opened, the same conversation continues with polling for the rest of the page's life.
(() => {
  const DOMAIN = `${window.location.origin}/v3/directline`;
  const SESSION_KEY = 'memberHelpChat.session';
  const LOCALE_KEY = 'memberHelpChat.locale';
  // Refresh our token when less than this many seconds are left (Direct Line tokens live 30 minutes).
  const REFRESH_MARGIN_SECONDS = 5 * 60;
  const WATCH_INTERVAL_MS = 30 * 1000;
  const MAX_AUTO_RESTARTS = 2;
  // A stream that has not opened after this long counts as failed.
  const STREAM_OPEN_TIMEOUT_MS = 10 * 1000;
  // Once a stream has worked on this page, this many failed attempts in a row before polling instead.
  const STREAM_FAILURES_BEFORE_POLLING = 3;
  // botframework-directlinejs ConnectionStatus values.
  const STATUS = { Online: 2, ExpiredToken: 3, FailedToConnect: 4, Ended: 5 };

  const STRINGS = {
    'ja-JP': {
      title: 'プロミス 会員サポート チャット',
      brand: 'プロミス',
      heading: '会員サポート チャット',
      intro: 'ログイン、Web-ID、カードの紛失・盗難、暗証番号、Webサービスについてご案内します。',
      notice: '暗証番号・パスワード・カード番号は、チャットに入力しないでください。',
      languageLabel: '表示言語',
      chatHeading: 'チャット',
      skip: 'メッセージ入力欄へ移動',
      newChat: '新しい会話を始める',
      footer:
        'このチャットは自動応答です。担当者への連絡が必要なときは「担当者と話したい」と入力してください。',
      connecting: '接続しています…',
      restarted: '前回の会話は有効期限が切れたため、新しい会話を始めました。',
      failed: 'チャットに接続できませんでした。しばらくしてからページを再読み込みしてください。',
      newStarted: '新しい会話を始めました。',
    },
    'en-US': {
      title: 'Promise Member Support Chat',
      brand: 'PROMISE',
      heading: 'Member Support Chat',
      intro: 'Help with logging in, Web-ID, lost or stolen cards, your card PIN and our web services.',
      notice: 'Never type your PIN, password or card number into the chat.',
      languageLabel: 'Display language',
      chatHeading: 'Chat',
      skip: 'Skip to the message box',
      newChat: 'Start a new conversation',
      footer: 'This chat is automated. To reach a staff member, type “I want to talk to a person”.',
      connecting: 'Connecting…',
      restarted: 'Your previous conversation had expired, so a new one has started.',
      failed: 'Could not connect to the chat. Please reload the page in a little while.',
      newStarted: 'A new conversation has started.',
    },
  };

  // Contrast-checked colours (AA or better) in the page's palette.
  const STYLE_OPTIONS = {
    accent: '#0a4d8c',
    backgroundColor: '#ffffff',
    primaryFont:
      '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", "Yu Gothic UI", "Yu Gothic", Meiryo, system-ui, sans-serif',
    rootHeight: '100%',
    rootWidth: '100%',
    subtle: '#4d5a69',
    timestampColor: '#4d5a69',
    bubbleBackground: '#f1f4f8',
    bubbleBorderColor: '#c9d3df',
    bubbleBorderRadius: 12,
    bubbleBorderWidth: 1,
    bubbleTextColor: '#1b1f24',
    bubbleFromUserBackground: '#0a4d8c',
    bubbleFromUserBorderColor: '#0a4d8c',
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserBorderWidth: 1,
    bubbleFromUserTextColor: '#ffffff',
    bubbleMaxWidth: 520,
    hideUploadButton: true,
    sendBoxBackground: '#ffffff',
    sendBoxTextColor: '#1b1f24',
    sendBoxPlaceholderColor: '#5b6776',
    sendBoxBorderTop: 'solid 1px #8a99ab',
    sendBoxHeight: 48,
    sendBoxButtonColor: '#0a4d8c',
    sendBoxButtonColorOnFocus: '#073a6a',
    sendBoxButtonColorOnHover: '#073a6a',
    sendBoxButtonKeyboardFocusIndicatorBorderColor: '#0a4d8c',
    sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBackgroundColorOnHover: '#e6eef7',
    suggestedActionBorderColor: '#0a4d8c',
    suggestedActionBorderRadius: 18,
    suggestedActionBorderWidth: 2,
    suggestedActionTextColor: '#0a4d8c',
    suggestedActionHeight: 40,
    suggestedActionKeyboardFocusIndicatorBorderColor: '#073a6a',
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
    transcriptVisualKeyboardIndicatorColor: '#0a4d8c',
    transcriptVisualKeyboardIndicatorWidth: 3,
    transcriptActivityVisualKeyboardIndicatorColor: '#0a4d8c',
    transcriptActivityVisualKeyboardIndicatorStyle: 'solid',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
  };

  // Phones (narrow or short screens): the suggested actions get at most about two rows and scroll
  // inside that box, so a long menu never pushes the bot's message or the message box off screen.
  const PHONE_QUERY = window.matchMedia('(max-width: 600px), (max-height: 700px)');
  const PHONE_STYLE_OPTIONS = {
    suggestedActionHeight: 36,
    suggestedActionsFlowMaxHeight: 96,
    bubbleMaxWidth: 600,
  };

  function styleOptions() {
    return PHONE_QUERY.matches ? { ...STYLE_OPTIONS, ...PHONE_STYLE_OPTIONS } : STYLE_OPTIONS;
  }

  // Tells the bot the member switched the language: it carries on the same conversation in it.
  const LANGUAGE_EVENT = 'setLanguage';

  const statusElement = document.getElementById('status');
  let container = document.getElementById('webchat');
  let locale = initialLocale();
  let statusKey = 'connecting';
  let directLine;
  let subscription;
  let generation = 0;
  let autoRestarts = 0;
  let useWebSocket = typeof window.WebSocket === 'function';
  let streamEverOpened = false;
  let streamFailures = 0;

  function initialLocale() {
    const requested =
      new URLSearchParams(window.location.search).get('lang') || readStorage(LOCALE_KEY) || '';
    return /^en/i.test(requested) ? 'en-US' : 'ja-JP';
  }

  function readStorage(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null; // Storage blocked: the chat still works, only a reload starts over.
    }
  }

  function writeStorage(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch {
      /* see readStorage */
    }
  }

  function loadSession() {
    try {
      const session = JSON.parse(readStorage(SESSION_KEY) || 'null');
      if (session && typeof session.token === 'string' && typeof session.conversationId === 'string')
        return session;
    } catch {
      /* corrupted entry: treated as none */
    }
    return null;
  }

  function saveSession(session) {
    writeStorage(SESSION_KEY, session ? JSON.stringify(session) : null);
  }

  /** Expiry (seconds since epoch) read from the JWT; 0 when unreadable. The server still decides. */
  function tokenExpiry(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return Number(JSON.parse(window.atob(payload)).exp) || 0;
    } catch {
      return 0;
    }
  }

  function nowSeconds() {
    return Math.floor(Date.now() / 1000);
  }

  function t(key) {
    return STRINGS[locale][key];
  }

  function setStatus(key, kind) {
    statusKey = key;
    statusElement.textContent = key ? t(key) : '';
    if (kind) statusElement.dataset.kind = kind;
    else delete statusElement.dataset.kind;
  }

  function applyPageLanguage() {
    document.documentElement.lang = locale === 'en-US' ? 'en' : 'ja';
    document.title = t('title');
    for (const element of document.querySelectorAll('[data-i18n]')) {
      if (element === statusElement) continue;
      element.textContent = t(element.dataset.i18n);
    }
    if (statusKey) statusElement.textContent = t(statusKey);
    for (const button of document.querySelectorAll('.lang-switch__button')) {
      button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
    }
  }

  async function callDirectLine(path, token, body = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(DOMAIN + path, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      /* no JSON body */
    }
    return { ok: response.ok, status: response.status, body: answer };
  }

  function isRejection(status) {
    return status === 401 || status === 403 || status === 404;
  }

  /** What a token answer tells us to remember (the resume credential rotates with each token). */
  function sessionFrom(body, previous) {
    return {
      token: body.token,
      conversationId: body.conversationId,
      resume: typeof body.resume === 'string' ? body.resume : previous?.resume,
    };
  }

  /**
   * A token for the remembered conversation when the server still has it (refresh while the token is
   * valid, else the resume credential), otherwise a new conversation.
   */
  async function obtainSession(forceNew) {
    const saved = forceNew ? null : loadSession();
    if (saved && tokenExpiry(saved.token) > nowSeconds() + 5) {
      const refreshed = await callDirectLine('/tokens/refresh', saved.token);
      if (refreshed.ok && refreshed.body?.token) {
        const session = sessionFrom(refreshed.body, saved);
        saveSession(session);
        return { session, resume: true, restarted: false };
      }
      // A server error does not mean the conversation is gone: keep it for the next reload.
      if (!isRejection(refreshed.status)) throw new Error(`refresh failed: ${refreshed.status}`);
    }
    if (saved && typeof saved.resume === 'string') {
      const resumed = await callDirectLine('/tokens/resume', undefined, { resume: saved.resume });
      if (resumed.ok && resumed.body?.token) {
        const session = sessionFrom(resumed.body, saved);
        saveSession(session);
        return { session, resume: true, restarted: false };
      }
      if (!isRejection(resumed.status)) throw new Error(`resume failed: ${resumed.status}`);
    }
    const generated = await callDirectLine('/tokens/generate');
    if (!generated.ok || !generated.body?.token) {
      throw new Error(`token generation failed: ${generated.status}`);
    }
    const session = sessionFrom(generated.body);
    saveSession(session);
    return { session, resume: false, restarted: Boolean(saved) };
  }

  function freshContainer() {
    // A new element gives the new conversation an empty transcript.
    const replacement = container.cloneNode(false);
    container.replaceWith(replacement);
    container = replacement;
  }

  function teardown() {
    if (subscription) subscription.unsubscribe();
    subscription = undefined;
    if (directLine) {
      try {
        directLine.end();
      } catch {
        /* already ended */
      }
    }
    directLine = undefined;
  }

  function render() {
    if (!directLine) return;
    window.WebChat.renderWebChat(
      { directLine, locale, styleOptions: styleOptions(), sendTypingIndicator: true },
      container,
    );
  }

  /**
   * A WebSocket that reports to this page whether it opened. directlinejs takes the global WebSocket
   * when it is constructed, so the class is swapped in only around createDirectLine.
   */
  function trackedWebSocket(Native, id) {
    return class TrackedWebSocket extends Native {
      constructor(...args) {
        super(...args);
        let opened = false;
        let reported = false;
        const fail = () => {
          if (reported) return;
          reported = true;
          onStreamFailed(id);
        };
        const timer = window.setTimeout(() => {
          if (opened) return;
          fail();
          this.close();
        }, STREAM_OPEN_TIMEOUT_MS);
        this.addEventListener('open', () => {
          opened = true;
          window.clearTimeout(timer);
          if (id !== generation) return;
          streamEverOpened = true;
          streamFailures = 0;
        });
        this.addEventListener('close', () => {
          window.clearTimeout(timer);
          if (!opened) fail();
        });
      }
    };
  }

  function onStreamFailed(id) {
    // Sockets of a torn-down conversation close without opening: that is not a failure.
    if (id !== generation || !useWebSocket) return;
    streamFailures += 1;
    if (!streamEverOpened || streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
      console.warn('Direct Line stream unavailable; polling instead.');
      useWebSocket = false;
      // Same conversation (the stored session), read by polling: the transcript is replayed.
      void connect();
    }
  }

  function createDirectLine(options, id) {
    if (!useWebSocket) return window.WebChat.createDirectLine({ ...options, webSocket: false });
    const Native = window.WebSocket;
    window.WebSocket = trackedWebSocket(Native, id);
    try {
      return window.WebChat.createDirectLine({ ...options, webSocket: true });
    } finally {
      window.WebSocket = Native;
    }
  }

  async function connect({ forceNew = false, noticeKey } = {}) {
    const id = ++generation;
    const hadConversation = Boolean(directLine);
    teardown();
    if (hadConversation) freshContainer();
    setStatus('connecting');
    let result;
    try {
      result = await obtainSession(forceNew);
    } catch (error) {
      console.error(error);
      if (id === generation) setStatus('failed', 'error');
      return;
    }
    if (id !== generation) return;
    const notice = noticeKey || (result.restarted ? 'restarted' : '');
    directLine = createDirectLine(
      {
        domain: DOMAIN,
        token: result.session.token,
        // With a conversation id, Direct Line reconnects and replays the transcript instead of starting anew.
        conversationId: result.resume ? result.session.conversationId : undefined,
        // Only used when polling (the WebSocket stream pushes).
        pollingInterval: 1000,
        conversationStartProperties: { locale },
      },
      id,
    );
    subscription = directLine.connectionStatus$.subscribe((status) => onConnectionStatus(id, status, notice));
    render();
  }

  function onConnectionStatus(id, status, notice) {
    if (id !== generation) return;
    if (status === STATUS.Online) {
      autoRestarts = 0;
      setStatus(notice || '');
      storeCurrentToken();
    } else if (status === STATUS.FailedToConnect || status === STATUS.Ended) {
      saveSession(null);
      if (autoRestarts < MAX_AUTO_RESTARTS) {
        autoRestarts += 1;
        void connect({ forceNew: true, noticeKey: 'restarted' });
      } else {
        setStatus('failed', 'error');
      }
    } else if (status === STATUS.ExpiredToken) {
      void refreshToken(id);
    }
  }

  /** botframework-directlinejs refreshes its token itself; keep localStorage in step with it. */
  function storeCurrentToken() {
    const session = loadSession();
    if (directLine && session && directLine.token && directLine.token !== session.token) {
      saveSession({ ...session, token: directLine.token });
    }
  }

  async function refreshToken(id) {
    const session = loadSession();
    if (!session || !directLine) return;
    let refreshed;
    try {
      refreshed = await callDirectLine('/tokens/refresh', directLine.token || session.token);
    } catch {
      return; // Offline for a moment: the next check tries again.
    }
    if (id !== generation) return;
    if (refreshed.ok && refreshed.body?.token) {
      saveSession(sessionFrom(refreshed.body, session));
      directLine.reconnect({ conversationId: session.conversationId, token: refreshed.body.token });
    } else if (isRejection(refreshed.status)) {
      saveSession(null);
      void connect({ forceNew: true, noticeKey: 'restarted' });
    }
  }

  function watchToken() {
    if (!directLine) return;
    storeCurrentToken();
    const token = directLine.token || loadSession()?.token;
    if (token && tokenExpiry(token) - nowSeconds() < REFRESH_MARGIN_SECONDS) void refreshToken(generation);
  }

  function focusSendBox() {
    const input = container.querySelector(
      '[data-id="webchat-sendbox-input"], input[type="text"], textarea, [contenteditable="true"]',
    );
    if (input) input.focus();
    else container.focus();
  }

  function setLocale(next) {
    if (next === locale || !STRINGS[next]) return;
    locale = next;
    writeStorage(LOCALE_KEY, locale);
    applyPageLanguage();
    // Same Direct Line connection, new language: Web Chat re-renders its UI and sends the new locale,
    // and the bot answers at once in that language (the pending question or the menu).
    render();
    tellBotLanguage();
  }

  function tellBotLanguage() {
    if (!directLine) return;
    directLine
      .postActivity({ type: 'event', name: LANGUAGE_EVENT, value: locale, locale, from: { id: 'member' } })
      .subscribe({ error: (error) => console.warn('Could not tell the bot the new language', error) });
  }

  function start() {
    if (!window.WebChat) {
      setStatus('failed', 'error');
      return;
    }
    for (const button of document.querySelectorAll('.lang-switch__button')) {
      button.addEventListener('click', () => setLocale(button.dataset.locale));
    }
    PHONE_QUERY.addEventListener('change', render);
    document.getElementById('new-chat').addEventListener('click', () => {
      saveSession(null);
      void connect({ forceNew: true, noticeKey: 'newStarted' }).then(focusSendBox);
    });
    document.getElementById('skip-link').addEventListener('click', (event) => {
      event.preventDefault();
      focusSendBox();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') watchToken();
    });
    window.setInterval(watchToken, WATCH_INTERVAL_MS);
    applyPageLanguage();
    void connect();
  }

  start();
})();
