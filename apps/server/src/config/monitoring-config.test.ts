import { describe, expect, it } from 'vitest';
import { loadMonitoringConfig } from './monitoring-config.ts';
import { loadServerConfig } from './server-config.ts';

describe('monitoring configuration', () => {
  it('is absent when no monitoring variable is set (the runtime defaults apply)', () => {
    expect(loadMonitoringConfig({})).toBeUndefined();
    expect(loadServerConfig({ flags: {}, env: {} }).monitoring).toBeUndefined();
  });

  it('reads every variable, filling the others with defaults, frozen', () => {
    const config = loadServerConfig({
      flags: {},
      env: { VITALTWIN_MONITOR_SWEEP_SEC: '15', VITALTWIN_ADHERENCE_TIME_ZONE: 'Europe/London' },
    }).monitoring;
    expect(config).toEqual({
      sweepIntervalSec: 15,
      staleAfterMin: 30,
      scoreRefreshSec: 300,
      scoreMinIntervalSec: 10,
      scoreWritesPerSec: 50,
      adherenceGraceMin: 60,
      adherenceTimeZone: 'Europe/London',
      subscriptionRefreshSec: 10,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(loadMonitoringConfig({ VITALTWIN_STALE_AFTER_MIN: '0' })?.staleAfterMin).toBe(0);
  });

  it('names the variable of every invalid value', () => {
    expect(() => loadMonitoringConfig({ VITALTWIN_MONITOR_SWEEP_SEC: '0' })).toThrowError(
      /VITALTWIN_MONITOR_SWEEP_SEC must be between 1 and 3600/,
    );
    expect(() => loadMonitoringConfig({ VITALTWIN_ADHERENCE_TIME_ZONE: 'Mars/Olympus' })).toThrowError(/IANA time zone/);
    expect(() => loadMonitoringConfig({ VITALTWIN_SCORE_WRITES_PER_SEC: 'fast' })).toThrowError(
      /VITALTWIN_SCORE_WRITES_PER_SEC must be a number/,
    );
  });
});
