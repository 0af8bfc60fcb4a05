import type { Reporter, TestModule } from 'vitest/node';

/** Says how many browser tests a deliberate SKIP_BROWSER_TESTS=1 left out, so a green run is not misread. */
export default class BrowserSkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (process.env.SKIP_BROWSER_TESTS !== '1') return;
    const files = testModules.filter((m) => m.moduleId.endsWith('.browser.test.ts'));
    let skipped = 0;
    for (const file of files) {
      for (const test of file.children.allTests()) if (test.result().state === 'skipped') skipped += 1;
    }
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    console.log(
      `\nSKIP_BROWSER_TESTS=1: skipped ${plural(skipped, 'browser test')} in ${plural(files.length, 'file')}.`,
    );
  }
}
