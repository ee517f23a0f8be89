import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';

/** PEM files a client presents for mutual TLS: the CA it trusts, its certificate and key. */
export interface ClientTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** What {@link waitForHttp} waits on. */
export interface WaitTarget {
  /** False once the process that should answer has exited: stop waiting at once. */
  alive?: () => boolean;
  /** Text added to the failure message (the process's output, say). */
  describe?: () => string;
  /** Present this certificate (an https URL of a node with mutual TLS). Default: plain fetch. */
  tls?: ClientTlsFiles;
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
      const res = target.tls
        ? await getWithCertificate(url, target.tls)
        : await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(async (r) => ({
            status: r.status,
            body: await r.text(),
          }));
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${res.body}`;
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

/** GET over https presenting a client certificate; the status and the body's text. */
export function getWithCertificate(
  url: string,
  tls: ClientTlsFiles,
  timeoutMs = 5_000,
): Promise<{ status: number; body: string }> {
  const [ca, cert, key] = [tls.caFile, tls.certFile, tls.keyFile].map((file) => readFileSync(file));
  return new Promise((resolve, reject) => {
    const request = httpsGet(url, { ca, cert, key, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
