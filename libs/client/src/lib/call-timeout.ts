/**
 * Settles like `work`, or rejects with `onTimeout()` after `timeoutMs`, whichever comes first. The work is
 * not cancelled — every call it makes to a node has its own deadline and ends by itself — but its late
 * outcome is dropped, and the timer is cleared as soon as either side settles so nothing is left behind.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
