import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatReport, parseEvalJsonl, scorePredictions } from '../../scripts/lib/evalCore.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { useTempDirs } from '../support/tempDir.js';

const run = promisify(execFile);
const tempDir = useTempDirs();
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'nlu', 'small.jsonl');

describe('eval scoring', () => {
  it('counts accept lists as correct for any member and computes per-topic metrics', () => {
    const lines = parseEvalJsonl(
      [
        '{"text":"a","intent":"greeting"}',
        '{"text":"b","accept":["help","greeting"]}',
        '{"text":"c","intent":"cancel"}',
        '{"text":"d","intent":"none"}',
      ].join('\n'),
    );
    const report = scorePredictions('x', lines, [
      { topic: 'greeting', score: 0.9 },
      { topic: 'greeting', score: 0.8 },
      { topic: 'none', score: 0.6 },
      { topic: 'none', score: 0.7 },
    ]);
    expect(report.correct).toBe(3);
    expect(report.accuracy).toBe(0.75);
    const greeting = report.perTopic.find((m) => m.topic === 'greeting')!;
    expect([greeting.precision, greeting.recall, greeting.support]).toEqual([1, 1, 2]);
    const none = report.perTopic.find((m) => m.topic === 'none')!;
    expect([none.precision, none.recall]).toEqual([0.5, 1]);
    expect(report.confusions).toEqual([{ expected: 'cancel', predicted: 'none', count: 1 }]);
    const text = formatReport({ ...report, baseline: { name: 'b', n: 4, correct: 2, accuracy: 0.5 } });
    const last = text.split('\n').slice(-2);
    expect(last).toEqual(['baseline accuracy=0.500 n=4', 'accuracy=0.750 n=4']);
    expect(text).toContain('line 3: "c" expected cancel got none 0.600');
  });

  it('rejects unknown topic ids with the line number', () => {
    expect(() =>
      parseEvalJsonl('{"text":"a","intent":"greeting"}\n{"text":"b","intent":"nope"}', 'f.jsonl'),
    ).toThrow(/f\.jsonl:2/);
  });
});

describe('npm run eval', () => {
  it('scores a fixture file, writes the JSON report and ends with the accuracy line', async () => {
    const json = join(await tempDir(), 'report.json');
    const { stdout } = await run(TSX, ['scripts/eval.ts', FIXTURE, '--json', json], { cwd: PROJECT_ROOT });
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^accuracy=(0|1)\.\d{3} n=7$/);
    expect(stdout).toContain('precision');
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      n: number;
      accuracy: number;
      perTopic: unknown[];
    };
    expect(report.n).toBe(7);
    expect(report.accuracy).toBeGreaterThanOrEqual(6 / 7);
    expect(lines.at(-1)).toBe(`accuracy=${report.accuracy.toFixed(3)} n=7`);
  });

  it('prints the NLP.js baseline on the line before the last with --baseline', async () => {
    const { stdout } = await run(TSX, ['scripts/eval.ts', FIXTURE, '--baseline'], { cwd: PROJECT_ROOT });
    const lines = stdout.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^baseline accuracy=(0|1)\.\d{3} n=7$/);
    expect(lines.at(-1)).toMatch(/^accuracy=(0|1)\.\d{3} n=7$/);
  }, 60_000);

  it('fails with a usage message without a file', async () => {
    await expect(run(TSX, ['scripts/eval.ts'], { cwd: PROJECT_ROOT })).rejects.toMatchObject({
      stderr: expect.stringContaining('usage: npm run eval'),
    });
  });
});
