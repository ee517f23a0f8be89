/** What {@link waitForHttp} waits on. */
export interface WaitTarget {
  /** False once the process that should answer has exited: stop waiting at once. */
  alive?: () => boolean;
  /** Text added to the failure message (the process's output, say). */
  describe?: () => string;
}

/** Polls `url` until it answers 200; fails after `timeoutMs`, or at once when the target dies. */
export async function waitForHttp(url: string, timeoutMs = 30_000, target: WaitTarget = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const describe = target.describe ?? (() => '');
  let last = '';
  while (Date.now() < deadline) {
    if (target.alive && !target.alive())
      throw new Error(`${url}: the process exited before it was ready\n${describe()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})\n${describe()}`);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what` in the message. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
