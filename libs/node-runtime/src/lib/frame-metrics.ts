import { Counter, Gauge, type Registry } from 'prom-client';

import type { PeerFrameServer } from '@ringcache/peer-http';

/** The framed HTTP peer connections on /metrics, read from the server at scrape time. */
export function registerFrameMetrics(registry: Registry, frames: PeerFrameServer): void {
  const registers = [registry];
  new Gauge({
    name: 'ringcache_peer_frame_connections',
    help: 'Framed connections open to this node: HTTP peer clients sending their data calls as frames.',
    registers,
    collect() {
      this.set(frames.size);
    },
  });
  new Counter({
    name: 'ringcache_peer_frame_requests_total',
    help: 'Peer requests this node has read as frames since start (the rest of the HTTP peer requests came as HTTP).',
    registers,
    collect() {
      this.reset();
      this.inc(frames.served);
    },
  });
}
