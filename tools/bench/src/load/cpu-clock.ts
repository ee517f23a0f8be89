/** Measures wall time and this process's CPU time from construction, to tell a saturated load generator. */
export class CpuClock {
  private readonly wallStart = performance.now();
  private readonly cpuStart = process.cpuUsage();

  /** Seconds of wall time so far. */
  wallSec(): number {
    return (performance.now() - this.wallStart) / 1000;
  }

  /** CPU used so far in % of one core (may pass 100 with busy helper threads). */
  cpuPercent(): number {
    const used = process.cpuUsage(this.cpuStart);
    const wallUs = (performance.now() - this.wallStart) * 1000;
    return wallUs > 0 ? Math.round(((used.user + used.system) / wallUs) * 1000) / 10 : 0;
  }
}
