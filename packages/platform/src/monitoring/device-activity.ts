/**
 * When each device last sent a reading, kept in memory from the readings the monitor sees (every
 * stored batch passes through it), so the stale-data sweep needs no scan of the time series.
 * Devices not seen since the process started are looked up once by the sweeper (`seed`).
 */
export class DeviceActivity {
  private readonly last = new Map<string, number | null>();

  seen(deviceId: string, timeMs: number): void {
    if (deviceId === '') return;
    const previous = this.last.get(deviceId);
    if (previous === undefined || previous === null || timeMs > previous) this.last.set(deviceId, timeMs);
  }

  /** Latest reading time; null when the device has sent nothing in the look-back; undefined when not known yet. */
  lastReadingMs(deviceId: string): number | null | undefined {
    return this.last.get(deviceId);
  }

  /** Records what the store knows about a device not seen yet (null: nothing in the look-back). */
  seed(deviceId: string, timeMs: number | null): void {
    if (!this.last.has(deviceId)) this.last.set(deviceId, timeMs);
  }
}
