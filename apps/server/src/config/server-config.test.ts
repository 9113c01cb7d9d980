import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './server-config.ts';

describe('server configuration', () => {
  it('uses embedded defaults when nothing is given', () => {
    const config = loadServerConfig({ flags: {}, env: {} });
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './.vitaltwin',
      mqttPort: 1883,
      logLevel: 'info',
      demo: false,
      searchTimeoutMs: 30_000,
      security: { auth: 'off', corsOrigins: [], accessTokenTtlSec: 900 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.security)).toBe(true);
  });

  it('reads the search time limit from VITALTWIN_SEARCH_TIMEOUT_MS (0: none) and rejects other values', () => {
    expect(loadServerConfig({ flags: {}, env: { VITALTWIN_SEARCH_TIMEOUT_MS: '5000' } }).searchTimeoutMs).toBe(5000);
    expect(loadServerConfig({ flags: {}, env: { VITALTWIN_SEARCH_TIMEOUT_MS: '0' } }).searchTimeoutMs).toBe(0);
    for (const bad of ['-1', '1.5', 'soon', '9999999'])
      expect(() => loadServerConfig({ flags: {}, env: { VITALTWIN_SEARCH_TIMEOUT_MS: bad } }), bad).toThrowError(
        /VITALTWIN_SEARCH_TIMEOUT_MS/,
      );
  });

  it('turns the demo on from the flag or VITALTWIN_DEMO and rejects other values', () => {
    expect(loadServerConfig({ flags: { demo: 'true' }, env: {} }).demo).toBe(true);
    expect(loadServerConfig({ flags: {}, env: { VITALTWIN_DEMO: '1' } }).demo).toBe(true);
    expect(() => loadServerConfig({ flags: {}, env: { VITALTWIN_DEMO: 'yes' } })).toThrowError(/VITALTWIN_DEMO must be 1 or 0/);
  });

  it('defaults auth to the entry point default and refuses auth off off loopback', () => {
    expect(loadServerConfig({ flags: {}, env: {}, defaults: { auth: 'on' } }).security.auth).toBe('on');
    expect(loadServerConfig({ flags: { auth: 'off' }, env: { VITALTWIN_AUTH: 'on' }, defaults: { auth: 'on' } }).security.auth).toBe('off');
    expect(loadServerConfig({ flags: { host: '::1' }, env: {} }).security.auth).toBe('off');
    expect(() => loadServerConfig({ flags: { host: '0.0.0.0' }, env: {} })).toThrowError(
      'invalid configuration: --auth off is only allowed on a loopback address (127.0.0.1, ::1, localhost): bind elsewhere only with --auth on',
    );
    expect(loadServerConfig({ flags: { host: '0.0.0.0', auth: 'on' }, env: {} }).security.auth).toBe('on');
    expect(() => loadServerConfig({ flags: { auth: 'maybe' }, env: {} })).toThrowError(/--auth \(VITALTWIN_AUTH\) must be on or off/);
  });

  it('reads TLS, CORS, token lifetime and key material settings', () => {
    const config = loadServerConfig({
      flags: { tlsCert: 'c.pem', tlsKey: 'k.pem', corsOrigin: 'https://a.example, http://localhost:5173' },
      env: { VITALTWIN_TOKEN_TTL: '600', VITALTWIN_DEID_SECRET: 'ab'.repeat(32) },
    });
    expect(config.security).toMatchObject({
      tlsCertFile: 'c.pem',
      tlsKeyFile: 'k.pem',
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      accessTokenTtlSec: 600,
      deidentificationSecretHex: 'ab'.repeat(32),
    });
    expect(() => loadServerConfig({ flags: { tlsCert: 'c.pem' }, env: {} })).toThrowError(
      /--tls-cert and --tls-key must be given together/,
    );
    expect(() => loadServerConfig({ flags: { corsOrigin: '*' }, env: {} })).toThrowError(/--cors-origin entries must be origins/);
    expect(() => loadServerConfig({ flags: {}, env: { VITALTWIN_TOKEN_TTL: '5' } })).toThrowError(/between 60 and 86400/);
  });

  it('prefers flags over environment', () => {
    const config = loadServerConfig({
      flags: { port: '9000', mqttPort: '1999' },
      env: { PORT: '7000', DATABASE_URL: 'postgres://u@db:5432/vt', MQTT_URL: 'mqtt://broker:1883' },
    });
    expect(config.port).toBe(9000);
    expect(config.mqttPort).toBe(1999);
    expect(config.databaseUrl).toBe('postgres://u@db:5432/vt');
    expect(config.mqttUrl).toBe('mqtt://broker:1883');
  });

  it('reports every bad value at once, each naming its flag or variable', () => {
    expect(() =>
      loadServerConfig({ flags: { port: 'abc', mqttPort: '70000' }, env: { DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' } }),
    ).toThrowError(
      /--port must be a number; DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/; --mqtt-port must be between 0 and 65535; LOG_LEVEL must be one of/,
    );
  });

  it('rejects fractional and negative ports and treats an empty DATABASE_URL as unset', () => {
    expect(() => loadServerConfig({ flags: { port: '80.5' }, env: {} })).toThrowError(/--port must be a whole number/);
    expect(() => loadServerConfig({ flags: { port: '-1' }, env: {} })).toThrowError(/--port must be between 0 and 65535/);
    expect(loadServerConfig({ flags: {}, env: { DATABASE_URL: '' } }).databaseUrl).toBeUndefined();
  });
});
