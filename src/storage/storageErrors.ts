import { StoreUnavailableError } from '../persistence/types.js';

/**
 * True for an operating-system error of the disk or the network (EACCES, EROFS, ENOSPC, EIO,
 * ECONNREFUSED …) or a backend that reports itself unavailable (the database is down): storage is
 * unavailable, which says nothing about the data or the request.
 */
export function isStorageFailure(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const e = err as { code?: unknown; syscall?: unknown } | undefined;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}
