import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactLogArgs, redactLogObject, redactLogValue } from '../../src/privacy/redactLogValue.js';

describe('redactLogValue', () => {
  it('masks strings at any depth and leaves numbers, booleans and dates alone', () => {
    const at = new Date('2024-06-10T00:00:00Z');
    expect(
      redactLogValue({ turn: 3, ok: true, at, activity: { text: '暗証番号は1234', tags: ['pw=abc123'] } }),
    ).toEqual({ turn: 3, ok: true, at, activity: { text: '暗証番号は****', tags: ['pw=********'] } });
  });

  it('turns an Error into { type, message, stack } with the secret masked', () => {
    const err = new Error('rejected card 4539148803436467', { cause: new Error('password: hunter2') });
    const out = redactLogValue({ err }) as {
      err: { type: string; message: string; stack: string; cause: { message: string } };
    };
    expect(out.err.type).toBe('Error');
    expect(out.err.message).toBe('rejected card ************6467');
    expect(out.err.stack).not.toContain('4539148803436467');
    expect(out.err.cause.message).toBe('password: ********');
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { text: 'PIN is 1234' };
    node.self = node;
    expect(redactLogValue(node)).toEqual({ text: 'PIN is ****', self: '[Circular]' });
  });
});

describe('with pino', () => {
  it('no log line carries the secret, whether in a field, the message or an interpolation', () => {
    const lines: string[] = [];
    const logger = pino(
      {
        formatters: { log: redactLogObject },
        hooks: {
          logMethod(args, method) {
            return method.apply(this, redactLogArgs(args));
          },
        },
      },
      { write: (line: string) => void lines.push(line) },
    );
    logger.info({ summary: 'カード番号は4539 1488 0343 6467' }, 'inquiry created');
    logger.warn('member wrote: %s', 'my password is hunter2');
    logger.error(new Error('bad pin: 暗証番号は9876'), 'turn failed');
    logger.info('call 0120-24-0365');
    const out = lines.join('');
    expect(out).not.toMatch(/4539|hunter2|9876/);
    expect(out).toContain('**** **** **** 6467');
    expect(out).toContain('my password is ********');
    expect(out).toContain('暗証番号は****');
    expect(out).toContain('call 0120-24-0365');
  });
});
