import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who sent the request a turn runs for, as far as the edge knows it: the client's address, and
 * whether the member id in the activity is vouched for (Bot Framework channel authentication).
 * Set by the HTTP edges around a turn; read by limits that must not trust a client-chosen id.
 */
export interface ClientScope {
  address: string;
  /** True only when channel authentication vouches for `from.id`. */
  memberIdTrusted: boolean;
}

const scope = new AsyncLocalStorage<ClientScope>();

export function runForClient<T>(client: ClientScope, fn: () => T): T {
  return scope.run(client, fn);
}

/** The client of the request this code runs for; undefined outside one (tests, timers). */
export function currentClient(): ClientScope | undefined {
  return scope.getStore();
}
