import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LowdbUnansweredStore, type UnansweredLogOptions } from '../../src/persistence/lowdb/unanswered.js';
import { normalizeUtterance, UnansweredLogService } from '../../src/triage/unansweredLog.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

/** The log as the embedded backend keeps it: the service over its lowdb file. */
async function openLog(file: string, options?: UnansweredLogOptions) {
  const store = await LowdbUnansweredStore.open(file, options);
  return Object.assign(new UnansweredLogService(store), { flush: () => store.flush() });
}
const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 3, minute));

describe('unanswered questions log', () => {
  it('groups wordings that differ only in width, case, spacing and end punctuation', async () => {
    expect(normalizeUtterance('  ＨＥＬＬＯ　　World！ ')).toBe('hello world');
    expect(normalizeUtterance('ｶｰﾄﾞﾛｰﾝ?')).toBe('カードローン');
    const log = await openLog(join(await tempDir(), 'unanswered.json'));
    await log.record('Weather today?', 'en', at(1));
    await log.record('weather   TODAY', 'en', at(2));
    await log.record('ＷＥＡＴＨＥＲ today!!', 'en', at(3));
    await log.record('金利は？', 'ja', at(4));
    const groups = await log.list();
    expect(groups.map((g) => [g.normalized, g.count])).toEqual([
      ['weather today', 3],
      ['金利は', 1],
    ]);
    expect(groups[0]!.examples).toEqual(['ＷＥＡＴＨＥＲ today!!', 'weather TODAY', 'Weather today?']);
    expect(groups[0]!.lastSeen).toBe(at(3).toISOString());
  });

  it('masks secrets before anything is kept, and persists across a restart', async () => {
    const file = join(await tempDir(), 'unanswered.json');
    const log = await openLog(file, { debounceMs: 5 });
    await log.record('my card is 4980 1234 5678 9012 help', 'en', at(1));
    await log.flush();
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain('4980');
    const reopened = await openLog(file);
    expect(await reopened.list()).toHaveLength(1);
    expect((await reopened.list())[0]!.count).toBe(1);
  });

  it('keeps at most maxGroups, dropping the least recently seen', async () => {
    const log = await openLog(join(await tempDir(), 'u.json'), { maxGroups: 3 });
    await log.record('alpha', 'en', at(1));
    await log.record('beta', 'en', at(2));
    await log.record('gamma', 'en', at(3));
    await log.record('alpha', 'en', at(4)); // alpha is recent again
    await log.record('delta', 'en', at(5)); // evicts beta
    expect((await log.list()).map((g) => g.normalized).sort()).toEqual(['alpha', 'delta', 'gamma']);
  });

  it('starts afresh from a damaged file instead of failing', async () => {
    const file = join(await tempDir(), 'u.json');
    await writeFile(file, '{"version":1,"groups":[', 'utf8');
    const warnings: object[] = [];
    const log = await openLog(file, { logger: { warn: (o) => warnings.push(o) } });
    expect(await log.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
    await log.record('x y', 'en', at(1));
    await log.flush();
    expect(JSON.parse(await readFile(file, 'utf8')).groups).toHaveLength(1);
  });
});
