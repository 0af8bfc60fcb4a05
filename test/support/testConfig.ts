import { type Config, parseConfig } from '../../src/config.js';

/** Configuration for a test server: its own DATA_DIR, no auth, silent logs, port chosen by the OS. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
}
