import { expect } from 'vitest';

/** Reads Server-Sent Events from the staff stream until `until` accepts one. */
export async function nextStaffEvent(
  base: string,
  headers: Record<string, string>,
  trigger: () => Promise<unknown>,
  until: (data: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/staff/events`, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  // The stream is open once its first comment arrives; only then is the change made.
  const first = await reader.read();
  buffer += decoder.decode(first.value ?? new Uint8Array(), { stream: true });
  await trigger();
  try {
    for (;;) {
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const parsed = JSON.parse(data.slice(6)) as Record<string, unknown>;
        if (until(parsed)) return parsed;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  } finally {
    controller.abort();
  }
}
