import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './server-config.ts';

describe('server configuration', () => {
  it('uses embedded defaults when nothing is given', () => {
    const config = loadServerConfig({ flags: {}, env: {} });
    expect(config).toEqual({ host: '127.0.0.1', port: 8080, dataDir: './.vitaltwin', mqttPort: 1883, logLevel: 'info' });
    expect(Object.isFrozen(config)).toBe(true);
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
