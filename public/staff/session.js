// Staff sign-in shared by the staff pages: the session is an HttpOnly cookie the page never sees;
// this keeps only the CSRF token (in memory, fetched again on reload) and sends it with every change.

(() => {
  let current = null;
  const listeners = [];

  async function request(path, options = {}) {
    const method = options.method || (options.body === undefined ? 'GET' : 'POST');
    const headers = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && current?.csrfToken) headers['X-CSRF-Token'] = current.csrfToken;
    return fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  }

  function signedIn(session) {
    current = session;
    for (const cb of listeners) cb(session);
    return session;
  }

  window.staffSession = {
    /** A Response; 401 means the session ended (sign in again). */
    fetch: request,
    current: () => (current ? { login: current.login, name: current.name, role: current.role } : null),
    onSignedIn(cb) {
      listeners.push(cb);
    },
    /** The session after a reload, or null when signed out. */
    async restore() {
      const res = await request('/api/staff/session');
      return res.ok ? signedIn(await res.json()) : null;
    },
    /** Resolves to the session, or rejects with { status, body }. */
    async signIn(login, password) {
      const res = await request('/api/staff/login', { body: { login, password } });
      const body = await res.json().catch(() => null);
      if (!res.ok)
        throw Object.assign(new Error(body?.error?.message || `HTTP ${res.status}`), {
          status: res.status,
          body,
        });
      return signedIn(body);
    },
    async signOut() {
      await request('/api/staff/logout', { method: 'POST' }).catch(() => undefined);
      current = null;
    },
  };
})();
