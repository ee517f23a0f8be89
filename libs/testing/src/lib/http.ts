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

/**
 * Polls `check` every 50 ms until it passes — returns anything but `false` without throwing, so both a
 * boolean condition and a block of `expect`s work — and resolves with the milliseconds that took. Fails
 * after `timeoutMs` with `what` in the message, and the last error `check` threw as its cause.
 */
export async function eventually(
  what: string,
  check: () => boolean | void | Promise<boolean | void>,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      if ((await check()) !== false) return Date.now() - started;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  if (lastError === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${detail}`, { cause: lastError });
}
