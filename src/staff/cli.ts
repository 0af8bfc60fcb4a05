import { parseArgs } from 'node:util';
import { parseConfig } from '../config.js';
import { loadDotEnv } from '../loadDotEnv.js';
import { createLogger } from '../logger.js';
import { openPersistence } from '../persistence/index.js';
import { DuplicateAccountError, type StaffAccount, type StaffStore } from '../persistence/types.js';
import { hashPassword, LOGIN_PATTERN, passwordProblem } from './passwords.js';

// `npm run staff -- <command>`: staff accounts in the configured persistence (reads .env and the
// environment as the server does). Passwords come only from stdin, never from the command line.

const USAGE = `Usage: npm run staff -- <command>
  add LOGIN --role agent|supervisor [--name 表示名] --password-stdin
  passwd LOGIN --password-stdin
  disable LOGIN
  enable LOGIN
  list
The password (at least 12 characters) is read from standard input, e.g.
  printf '%s' "$PASSWORD" | npm run staff -- add sato --role agent --name 佐藤 --password-stdin`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing line break (from echo or a file) is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function newPasswordHash(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('pipe the password on standard input (--password-stdin)');
  const password = await readStdin();
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(`the password ${problem}`);
  return hashPassword(password);
}

function login(value: string | undefined): string {
  if (!value) throw new UsageError('name the LOGIN');
  const normalised = value.trim().toLowerCase();
  if (!LOGIN_PATTERN.test(normalised)) {
    throw new UsageError(`"${value}" is not a login: use 2–64 letters, digits, dots, dashes or underscores`);
  }
  return normalised;
}

const describe = (a: StaffAccount) =>
  `${a.login}\t${a.role}\t${a.disabled ? 'disabled' : 'enabled'}\t${a.name}`;

async function runStaffCommand(
  args: string[],
  store: StaffStore,
  out: (line: string) => void,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  const [command, target, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`);
  switch (command) {
    case 'add': {
      const id = login(target);
      if (values.role !== 'agent' && values.role !== 'supervisor') {
        throw new UsageError('--role must be agent or supervisor');
      }
      if (!values['password-stdin']) throw new UsageError('add needs --password-stdin');
      const name = (values.name ?? id).trim().slice(0, 100) || id;
      const at = new Date().toISOString();
      await store.addAccount({
        login: id,
        name,
        role: values.role,
        passwordHash: await newPasswordHash(),
        disabled: false,
        createdAt: at,
        updatedAt: at,
      });
      out(`added ${id} (${values.role}, ${name})`);
      return;
    }
    case 'passwd': {
      const id = login(target);
      if (!values['password-stdin']) throw new UsageError('passwd needs --password-stdin');
      await existing(store, id);
      await store.updateAccount(id, { passwordHash: await newPasswordHash() });
      await store.deleteSessionsOf(id);
      out(`password of ${id} changed; its sessions have ended`);
      return;
    }
    case 'disable':
    case 'enable': {
      const id = login(target);
      await existing(store, id);
      await store.updateAccount(id, { disabled: command === 'disable' });
      if (command === 'disable') await store.deleteSessionsOf(id);
      out(`${id} ${command}d`);
      return;
    }
    case 'list': {
      const accounts = await store.listAccounts();
      if (accounts.length === 0) out('no staff accounts');
      for (const a of accounts) out(describe(a));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'name a command');
  }
}

async function existing(store: StaffStore, id: string): Promise<void> {
  if (!(await store.getAccount(id))) throw new UsageError(`there is no staff account "${id}"`);
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = parseConfig();
  const persistence = await openPersistence(config, createLogger({ ...config, logLevel: 'warn' }));
  try {
    await runStaffCommand(process.argv.slice(2), persistence.staff, (line) => console.log(line));
  } finally {
    await persistence.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`staff: ${(err as Error).message}\n\n${USAGE}`);
  } else if (err instanceof DuplicateAccountError) {
    console.error(`staff: ${err.message}; use passwd to change its password`);
  } else {
    // ConfigError, DotEnvError, an unreachable database: their messages name the fix, never a secret.
    console.error(`staff: ${(err as Error).message}`);
  }
  process.exit(2);
});
