/**
 * Counters of the patient monitor and a ring of recent stored→alert latencies (time from the
 * ingest commit hook handing a patient's readings over to the alert change being written), for
 * `/metrics` and the benchmark. Percentiles are over the last `capacity` alert changes.
 */
export class MonitorMetrics {
  rounds = 0;
  patients = 0;
  /** Patients read from the store (not yet cached, or due a refresh). */
  patientsLoaded = 0;
  readings = 0;
  /** Time spent in rounds, ms. */
  busyMs = 0;
  roundFailures = 0;
  patientErrors = 0;
  /** Device events (falls) dropped because too many were waiting. */
  droppedEvents = 0;
  alertChanges = 0;
  private readonly latencies: Float64Array;
  private count = 0;

  constructor(readonly capacity = 4096) {
    this.latencies = new Float64Array(capacity);
  }

  observeAlertLatency(ms: number): void {
    this.latencies[this.count % this.capacity] = ms;
    this.count += 1;
  }

  /** p50 and p99 of the retained latencies (NaN when none). */
  alertLatency(): { readonly count: number; readonly p50Ms: number; readonly p99Ms: number } {
    const n = Math.min(this.count, this.capacity);
    const sorted = this.latencies.slice(0, n).sort();
    const at = (q: number) => (n === 0 ? Number.NaN : (sorted[Math.min(n - 1, Math.floor(q * n))] as number));
    return { count: this.count, p50Ms: at(0.5), p99Ms: at(0.99) };
  }
}
