import { formatLogLine } from './pretty-log-stream';

describe('formatLogLine', () => {
  it('writes time, level, where and message first, then the other fields', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-01-02T12:00:01.234Z',
      app: 'gateway',
      pid: 1,
      hostname: 'h',
      reqId: 'r-1',
      status: 503,
      msg: 'request failed',
    });
    expect(formatLogLine(line)).toBe('12:00:01.234 WARN  [gateway] request failed  reqId=r-1 status=503\n');
  });

  it("names the node and the Nest context, and prints an error's stack below", () => {
    const line = JSON.stringify({
      level: 'error',
      time: '2026-01-02T12:00:01.234Z',
      app: 'cache-node',
      node: 'node1',
      context: 'PeerGrpc',
      msg: 'unexpected error',
      err: { type: 'Error', message: 'bad', stack: 'Error: bad\n    at x' },
    });
    expect(formatLogLine(line)).toBe(
      '12:00:01.234 ERROR [node1 PeerGrpc] unexpected error\nError: bad\n    at x\n',
    );
  });

  it('colours the level on a terminal, and keeps a line that is not JSON as it is', () => {
    expect(formatLogLine(JSON.stringify({ level: 'info', msg: 'x' }), true)).toContain(
      '\x1b[32mINFO \x1b[0m',
    );
    expect(formatLogLine('plain text')).toBe('plain text\n');
  });
});
