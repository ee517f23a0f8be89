import { readFileSync } from 'node:fs';

/** Socket state ESTABLISHED in /proc/net/tcp. */
const ESTABLISHED = '01';

/**
 * Bytes received on connections to local `port` that the listening process has not read yet, from Linux's
 * /proc/net/tcp and tcp6. A process stopped with SIGSTOP reads nothing, but the kernel still accepts
 * connections and queues their bytes: a test sees a request reach a frozen server this way, instead of
 * sleeping and hoping the request has been sent.
 */
export function bytesWaitingAt(port: number): number {
  let waiting = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 here
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state, queues] = line.trim().split(/\s+/);
      if (state !== ESTABLISHED || !local || parseInt(local.split(':')[1], 16) !== port) continue;
      waiting += parseInt(queues.split(':')[1], 16);
    }
  }
  return waiting;
}
