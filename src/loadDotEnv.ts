import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Settings from a .env file, for every entry point (server, command-line tools). Node's own loader
// applies them; variables already in the environment win, so `PORT=4000 npm start` beats the file.
// Which file: ENV_FILE names one (it must exist), ENV_FILE=none reads none (the tests' setting),
// otherwise .env in the working folder when there is one.

export class DotEnvError extends Error {
  override name = 'DotEnvError';
}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;
const QUOTES = ['"', "'", '`'];

/**
 * The lines of a .env text that are not `NAME=value`, a comment or blank, as "line N: why" messages.
 * Node's parser does not reject such a line: it silently merges it with the next ones, losing settings.
 * Messages name the line, never its value (it may hold a password).
 */
export function dotEnvProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.startsWith('\uFEFF'))
    problems.push('line 1: starts with a byte-order mark (save as UTF-8 without BOM)');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let openQuote: { char: string; line: number } | undefined;
  lines.forEach((line, index) => {
    const number = index + 1;
    if (openQuote) {
      if (line.includes(openQuote.char)) openQuote = undefined;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      const start = /^[A-Za-z_][A-Za-z0-9_]*/.exec(trimmed)?.[0];
      problems.push(
        start && !trimmed.includes('=')
          ? `line ${number}: "${start}" has no "=" (write NAME=value)`
          : `line ${number}: not NAME=value (a name is letters, digits and _, not starting with a digit)`,
      );
      return;
    }
    // A quoted value may span lines; it ends at the line holding the closing quote.
    const value = (match[1] ?? '').trim();
    const quote = QUOTES.find((q) => value.startsWith(q));
    if (quote && !value.slice(1).includes(quote)) openQuote = { char: quote, line: number };
  });
  if (openQuote) problems.push(`line ${openQuote.line}: the ${openQuote.char} quote is never closed`);
  return problems;
}

/**
 * Loads the .env file into process.env without overriding variables that are already set.
 * Returns the absolute path of the file read, or undefined when none was. Throws DotEnvError naming
 * the file (and line) when it cannot be read or is malformed.
 */
export function loadDotEnv(cwd: string = process.cwd()): string | undefined {
  const chosen = process.env.ENV_FILE?.trim() ?? '';
  if (chosen === 'none') return undefined;
  const path = resolve(cwd, chosen || '.env');
  if (typeof process.loadEnvFile !== 'function') {
    throw new DotEnvError(`Reading ${path} needs Node.js 20.12 or newer; this is ${process.version}.`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !chosen) return undefined;
    throw new DotEnvError(
      `Cannot read ${path}${chosen ? ' (named by ENV_FILE)' : ''}: ${code ?? String(err)}`,
    );
  }
  const problems = dotEnvProblems(text);
  if (problems.length > 0) {
    throw new DotEnvError(`${path} is malformed, nothing was read from it:\n  ${problems.join('\n  ')}`);
  }
  process.loadEnvFile(path);
  return path;
}
