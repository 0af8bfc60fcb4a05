import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same code runs from src/ (tsx, vitest) and from dist/src/ (npm start), so the project root is
// found by walking up to package.json rather than by a fixed relative path.
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot();
export const KNOWLEDGE_DIR = join(PROJECT_ROOT, 'knowledge');
export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
