import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

describe('parseConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3978);
    expect(config.microsoftAppId).toBe('');
    expect(config.microsoftAppType).toBe('MultiTenant');
    expect(config.staffToken).toBe('');
    expect(config.logLevel).toBe('info');
    expect(isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir.endsWith('data')).toBe(true);
    expect(config.directLineTokenSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('treats empty strings (as copied from .env.example) as unset', () => {
    expect(parseConfig({ PORT: '', LOG_LEVEL: '', MicrosoftAppType: '' }).port).toBe(3978);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['MicrosoftAppType', 'Everyone'],
    ['STAFF_TOKEN', 'short'],
    ['STATE_TTL_HOURS', '-1'],
  ])('stops with a message naming %s when it is %j', (name, value) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${name}:`);
    expect((error as Error).message).toContain(JSON.stringify(value));
  });

  it('accepts a full, valid environment', () => {
    const config = parseConfig({
      PORT: '8080',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: 'tenant',
      DATA_DIR: '/tmp/x',
      STAFF_TOKEN: 'a-long-enough-staff-token',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      microsoftAppType: 'SingleTenant',
      microsoftAppId: 'app-id',
      dataDir: '/tmp/x',
      staffToken: 'a-long-enough-staff-token',
      logLevel: 'debug',
    });
  });
});
