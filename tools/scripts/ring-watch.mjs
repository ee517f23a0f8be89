// Watches the gateway's view of the cluster (GET /api/v1/cluster) for `npm start`, and prints each change
// of its members: who left or joined, the ring version, and every member's share of the keys.

/** One line for a change from `before` to `after` (views as /api/v1/cluster answers), or undefined. */
export function describeRingChange(before, after) {
  const names = (view) => view.members.map((m) => m.name);
  const left = names(before).filter((name) => !names(after).includes(name));
  const joined = names(after).filter((name) => !names(before).includes(name));
  if (left.length === 0 && joined.length === 0) return undefined;
  const what = [...left.map((name) => `${name} left`), ...joined.map((name) => `${name} joined`)].join(', ');
  const shares = after.members.map((m) => `${m.name} ${Math.round(m.share * 100)}%`).join(', ');
  return `ring version ${after.ringVersion}: ${what}; keys now ${shares || 'nowhere (no members)'}`;
}

/**
 * Polls `gatewayUrl`/api/v1/cluster every `intervalMs` and calls `print` with a line for every change of
 * its members. Returns a function that stops it. A failed poll is skipped (the gateway may be busy).
 */
export function watchRing(gatewayUrl, print, intervalMs = 1000) {
  let last;
  let stopped = false;
  const poll = async () => {
    try {
      const answer = await fetch(`${gatewayUrl}/api/v1/cluster`, { signal: AbortSignal.timeout(2000) });
      if (answer.status !== 200) return;
      const view = await answer.json();
      if (last) {
        const line = describeRingChange(last, view);
        if (line) print(line);
      }
      last = view;
    } catch {
      // not answering now: try again next time
    }
  };
  const timer = setInterval(() => void (stopped || poll()), intervalMs);
  void poll();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
