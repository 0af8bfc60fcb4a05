import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { z } from 'zod';
import { PROJECT_ROOT } from '../paths.js';

/** A knowledge file that is missing, is not JSON, or does not match its schema. */
export class KnowledgeError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`Invalid knowledge file ${file}:\n  ${issues.join('\n  ')}`);
    this.name = 'KnowledgeError';
  }
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * Reads one JSON file and validates it; every error names the file (relative to the project root)
 * and the field, e.g. `knowledge/contacts.json: phone.number: Invalid input`.
 */
export function loadJsonFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  const shown = relative(PROJECT_ROOT, path) || path;
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KnowledgeError(shown, [`cannot read: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new KnowledgeError(shown, [`not valid JSON: ${(err as Error).message}`]);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new KnowledgeError(
      shown,
      parsed.error.issues.map((issue) => `${shown}: ${fieldPath(issue.path)}: ${issue.message}`),
    );
  }
  return parsed.data;
}
