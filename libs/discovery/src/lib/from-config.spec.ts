import { GrpcNodeStatsClient } from '@ringcache/peer-grpc';
import { NodeStatsClient } from '@ringcache/peer-http';

import { nodeStatsSource } from './from-config';

describe('nodeStatsSource', () => {
  it('reads statistics over the peer transport: gRPC calls on gRPC peers, the HTTP routes on HTTP peers', async () => {
    const grpc = nodeStatsSource('grpc');
    const http = nodeStatsSource('http');
    try {
      expect(grpc).toBeInstanceOf(GrpcNodeStatsClient);
      expect(http).toBeInstanceOf(NodeStatsClient);
    } finally {
      await Promise.all([grpc.close(), http.close()]);
    }
  });
});
