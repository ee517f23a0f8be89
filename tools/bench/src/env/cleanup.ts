import { stopAllProcesses } from '@ringcache/testing';

/** Cleanups to run if the run is interrupted: temp folders, scratch databases, Redis keys. */
const pending = new Set<() => unknown>();

/**
 * Registers `cleanup` to run if the run is interrupted (Ctrl-C, SIGTERM); returns a function that
 * unregisters it, for when the scenario cleaned up itself. A cleanup must be safe to run twice.
 */
export function onInterrupt(cleanup: () => unknown): () => void {
  pending.add(cleanup);
  return () => pending.delete(cleanup);
}

/**
 * On Ctrl-C (SIGINT) or SIGTERM: stops every process this run started — by pid, through the testing
 * helpers' registry — then runs the registered cleanups (10 s at most), then exits. The helpers also
 * SIGKILL, by pid, whatever is left when this process exits for any other reason (an uncaught error).
 */
export function stopChildrenOnSignals(): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping every process this benchmark started…`);
      const cleanups = [...pending].map(async (cleanup) => {
        try {
          await cleanup();
        } catch (error) {
          console.error(`cleanup failed: ${(error as Error).message}`);
        }
      });
      const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      void stopAllProcesses()
        .then(() => Promise.race([Promise.all(cleanups), deadline]))
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
