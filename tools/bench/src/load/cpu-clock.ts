/** Measures wall time and this process's CPU time from construction, to tell a saturated load generator. */
export class CpuClock {
  private readonly wallStart = performance.now();
  private readonly cpuStart = process.cpuUsage();

  /** Seconds of wall time so far. */
  wallSec(): number {
    return (performance.now() - this.wallStart) / 1000;
  }

  /** Seconds of CPU (user + system, every thread of this process) so far. */
  cpuSec(): number {
    const used = process.cpuUsage(this.cpuStart);
    return (used.user + used.system) / 1e6;
  }

  /** CPU used so far in % of one core (may pass 100 with busy helper threads). */
  cpuPercent(): number {
    const wallSec = this.wallSec();
    return wallSec > 0 ? Math.round((this.cpuSec() / wallSec) * 1000) / 10 : 0;
  }
}
