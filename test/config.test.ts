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
    // Unset: the backend generates one once and keeps it (src/app.ts, FileSecretStore / app_secrets).
    expect(config.directLineTokenSecret).toBe('');
    expect(config.storage).toBe('lowdb');
    expect(config.directLineRetentionHours).toBe(24);
    expect(config.trustProxy).toEqual([]);
  });

  it('stops on an unknown STORAGE naming the value, and on postgres without DATABASE_URL', () => {
    expect(() => parseConfig({ STORAGE: 'redis' })).toThrow(/STORAGE.*"redis"/);
    expect(() => parseConfig({ STORAGE: 'postgres' })).toThrow(/DATABASE_URL/);
    expect(parseConfig({ STORAGE: '' }).storage).toBe('lowdb');
    const pg = parseConfig({ STORAGE: 'postgres', DATABASE_URL: 'postgres://bot@db:5432/bot' });
    expect(pg.storage).toBe('postgres');
  });

  it('bounds heap growth at 20 % by default; 0 leaves it to V8; anything else is refused by name', () => {
    expect(parseConfig({}).heapGrowingPercent).toBe(20);
    expect(parseConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(parseConfig({ HEAP_GROWING_PERCENT: '80' }).heapGrowingPercent).toBe(80);
    expect(() => parseConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => parseConfig({ HEAP_GROWING_PERCENT: 'lots' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('reads TRUST_PROXY as addresses and CIDRs, refusing anything else', () => {
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    expect(() => parseConfig({ TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
    expect(() => parseConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
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
