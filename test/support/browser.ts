import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (no browser download). The background-networking flags
// keep it from calling out of this closed network at start-up.
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Browser tests live in *.browser.test.ts files under `describe.skipIf(!runBrowser)`. They run unless
 * SKIP_BROWSER_TESTS=1 says otherwise on purpose (the run then prints how many were skipped); a
 * missing Chromium fails them, it never skips them.
 */
export const runBrowser = process.env.SKIP_BROWSER_TESTS !== '1';

export async function launchChromium(executablePath: string = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The browser tests need Chromium at ${executablePath}: run scripts/setup-test-deps.sh ` +
        '(or apt-get install -y chromium), or skip them deliberately with SKIP_BROWSER_TESTS=1.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

// The DOM as the visibility check below uses it (the project compiles without the DOM lib).
interface SeenRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
  width: number;
  height: number;
}
interface SeenElement {
  getBoundingClientRect(): SeenRect;
  contains(other: unknown): boolean;
}
declare const window: { innerWidth: number; innerHeight: number };
declare const document: { elementFromPoint(x: number, y: number): unknown };

/**
 * Whether a person sees the element: it has a size, lies wholly inside the viewport, and is on top
 * (neither clipped by a scrolling box nor covered) at its centre and near its four corners. With
 * `end`, only its last 40 px: a message taller than the transcript shows its end (the question)
 * with its start scrolled above.
 */
export function seenByPerson(locator: Locator, part: 'whole' | 'end' = 'whole'): Promise<boolean> {
  return locator.evaluate((node, onlyEnd) => {
    const el = node as unknown as SeenElement;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    const top = onlyEnd ? Math.max(box.top, box.bottom - 40) : box.top;
    const r = {
      top,
      bottom: box.bottom,
      left: box.left,
      right: box.right,
      width: box.width,
      height: box.bottom - top,
    };
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) return false;
    // Inset past rounded corners.
    const inset = Math.min(6, r.width / 2, r.height / 2);
    const points: Array<[number, number]> = [
      [(r.left + r.right) / 2, (r.top + r.bottom) / 2],
      [r.left + inset, r.top + inset],
      [r.right - inset, r.top + inset],
      [r.left + inset, r.bottom - inset],
      [r.right - inset, r.bottom - inset],
    ];
    return points.every(([x, y]) => {
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (hit === el || el.contains(hit));
    });
  }, part === 'end');
}
