import { InvalidArgumentError } from '@ringcache/cache-core';

import { CLIENT_DEFAULTS, resolveClientOptions, type RingcacheClientOptions } from './client-options';

const nodes = [
  { name: 'node1', grpc: '127.0.0.1:8001', http: '127.0.0.1:8101' },
  { name: 'node2', grpc: '[::1]:8002' },
];

/** The message resolveClientOptions throws for `options`, checking it is an InvalidArgumentError. */
function problem(options: unknown): string {
  try {
    resolveClientOptions(options as RingcacheClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('resolveClientOptions', () => {
  it('applies the cluster defaults to a fixed list', () => {
    const resolved = resolveClientOptions({ nodes });
    expect(resolved).toMatchObject({
      discovery: {
        kind: 'static',
        nodes: [
          { name: 'node1', grpcAddress: '127.0.0.1:8001', httpAddress: '127.0.0.1:8101' },
          { name: 'node2', grpcAddress: '[::1]:8002', httpAddress: '' },
        ],
      },
      transport: 'grpc',
      deadlineMs: 3_000,
      timeoutMs: 10_000,
      readyTimeoutMs: 10_000,
      vnodes: 160,
      probes: 8,
      maxKeyBytes: 1_024,
      maxValueBytes: 1_048_576,
      grpc: {},
      http: {},
    });
    expect(CLIENT_DEFAULTS).toMatchObject({ transport: 'grpc', vnodes: 160, probes: 8, deadlineMs: 3_000 });
  });

  it('applies the etcd defaults and keeps what is given', () => {
    const resolved = resolveClientOptions({
      etcd: { endpoints: ['http://127.0.0.1:2379/', 'https://etcd-2:2379'], username: 'u', password: 'p' },
      deadlineMs: 500,
      vnodes: 40,
      probes: 1,
    });
    expect(resolved.discovery).toEqual({
      kind: 'etcd',
      etcd: {
        endpoints: ['http://127.0.0.1:2379', 'https://etcd-2:2379'],
        cluster: 'ringcache',
        dialTimeoutMs: 2_000,
        callTimeoutMs: 3_000,
        username: 'u',
        password: 'p',
        tls: undefined,
      },
    });
    // The whole-call bound follows the node deadline unless given.
    expect(resolved).toMatchObject({ deadlineMs: 500, timeoutMs: 2_500, vnodes: 40, probes: 1 });
  });

  it('keeps only the chosen transport’s connection options, unchecked for the other', () => {
    const keepalive = { keepaliveTimeMs: 20_000 };
    expect(resolveClientOptions({ nodes, grpc: keepalive, http: { maxSockets: 8 } })).toMatchObject({
      transport: 'grpc',
      grpc: keepalive,
      http: {},
    });
    const overHttp = resolveClientOptions({
      nodes: [nodes[0]],
      transport: 'http',
      grpc: 5 as unknown as object,
      http: { maxSockets: 8 },
    });
    expect(overHttp).toMatchObject({
      transport: 'http',
      grpc: {},
      http: { maxSockets: 8 },
      discovery: { nodes: [{ name: 'node1', httpAddress: '127.0.0.1:8101' }] },
    });
    // etcd registrations always carry both addresses: nothing more to check.
    const viaEtcd = resolveClientOptions({ etcd: { endpoints: ['http://e:2379'] }, transport: 'http' });
    expect(viaEtcd).toMatchObject({ transport: 'http', discovery: { kind: 'etcd' } });
  });

  it('needs an HTTP address for every node of a fixed list with transport http', () => {
    expect(problem({ nodes, transport: 'http' })).toBe(
      'RingcacheClient option nodes[1].http (node node2) is required with transport http',
    );
  });

  it('takes a near cache and batching settings, and keeps none by default', () => {
    const withHttp = nodes.map((n) => ({ ...n, http: '127.0.0.1:8101' }));
    expect(resolveClientOptions({ nodes }).nearCache).toBeUndefined();
    expect(resolveClientOptions({ nodes }).batching).toEqual({});
    expect(resolveClientOptions({ nodes: withHttp, nearCache: { maxBytes: 4096 } }).nearCache).toEqual({
      maxBytes: 4096,
      maxAgeMs: 60_000,
    });
    expect(resolveClientOptions({ nodes, batching: { windowMs: 2 } }).batching).toEqual({
      windowMs: 2,
      maxKeys: undefined,
    });
    expect(resolveClientOptions({ nodes, batching: false }).batching).toBe(false);
  });

  it('takes outlier-detection settings, or false to turn it off', () => {
    expect(resolveClientOptions({ nodes }).outlierDetection).toEqual({});
    expect(
      resolveClientOptions({ nodes, outlierDetection: { consecutiveFailures: 5, cooldownMs: 1_000 } })
        .outlierDetection,
    ).toEqual({ consecutiveFailures: 5, cooldownMs: 1_000 });
    expect(resolveClientOptions({ nodes, outlierDetection: false }).outlierDetection).toBe(false);
  });

  it.each([
    [
      { nearCache: { maxBytes: 4096 } },
      'RingcacheClient option nodes[1].http (node node2) is required with nearCache',
    ],
    [{ nodes: [nodes[0]], nearCache: {} }, 'RingcacheClient option nearCache.maxBytes is required'],
    [
      { nodes: [nodes[0]], nearCache: { maxBytes: 100 } },
      'RingcacheClient option nearCache.maxBytes must be an integer >= 1024, got 100',
    ],
    [
      { nodes: [nodes[0]], nearCache: { maxBytes: 4096, ttl: 1 } },
      'unknown RingcacheClient option nearCache.ttl',
    ],
    [
      { nodes: [nodes[0]], nearCache: 5 },
      'RingcacheClient option nearCache must be an object { maxBytes, maxAgeMs? }, got 5',
    ],
    [
      { batching: { windowMs: 5_000 } },
      'RingcacheClient option batching.windowMs must be an integer in [0, 1000], got 5000',
    ],
    [{ batching: { size: 1 } }, 'unknown RingcacheClient option batching.size'],
    [
      { batching: true },
      'RingcacheClient option batching must be an object { windowMs?, maxKeys? } or false, got true',
    ],
    [
      { outlierDetection: { consecutiveFailures: 0 } },
      'RingcacheClient option outlierDetection.consecutiveFailures must be an integer in [1, 1000], got 0',
    ],
    [{ outlierDetection: { after: 1 } }, 'unknown RingcacheClient option outlierDetection.after'],
    [
      { outlierDetection: 'on' },
      'RingcacheClient option outlierDetection must be an object { consecutiveFailures?, cooldownMs? } or false, got "on"',
    ],
  ])('refuses %j', (extra, message) => {
    expect(problem({ nodes, ...extra })).toBe(message);
  });

  it('needs exactly one of etcd and nodes', () => {
    expect(problem({})).toBe(
      'RingcacheClient needs exactly one of options.etcd (find the nodes in etcd) and options.nodes (a fixed list), got neither',
    );
    expect(problem({ nodes, etcd: { endpoints: ['http://127.0.0.1:2379'] } })).toMatch(/got both$/);
    expect(problem(undefined)).toBe('RingcacheClient options must be an object, got undefined');
  });

  it.each([
    [
      { nodes, deadlineMs: 0 },
      'RingcacheClient option deadlineMs must be an integer in [1, 2147483647], got 0',
    ],
    [
      { nodes, deadlineMs: '3s' },
      'RingcacheClient option deadlineMs must be an integer in [1, 2147483647], got "3s"',
    ],
    [
      { nodes, deadlineMs: 2_000, timeoutMs: 1_000 },
      'RingcacheClient option timeoutMs must be an integer in [2000, 2147483647], got 1000',
    ],
    [{ nodes, vnodes: 0 }, 'RingcacheClient option vnodes must be an integer in [1, 10000], got 0'],
    [{ nodes, probes: 65 }, 'RingcacheClient option probes must be an integer in [1, 64], got 65'],
    [{ nodes, maxKeyBytes: 1.5 }, 'RingcacheClient option maxKeyBytes must be an integer >= 1, got 1.5'],
    [
      { nodes, readyTimeoutMs: -1 },
      'RingcacheClient option readyTimeoutMs must be an integer in [1, 2147483647], got -1',
    ],
    [{ nodes, deadline: 3_000 }, 'unknown RingcacheClient option deadline'],
    [{ nodes, grpc: 5 }, 'RingcacheClient option grpc must be an object, got 5'],
    [
      { nodes: [nodes[0]], transport: 'http', http: [] },
      'RingcacheClient option http must be an object, got []',
    ],
    [{ nodes, transport: 'tcp' }, 'RingcacheClient option transport must be "grpc" or "http", got "tcp"'],
    [{ nodes, transport: 'HTTP' }, 'RingcacheClient option transport must be "grpc" or "http", got "HTTP"'],
    [{ nodes, transport: null }, 'RingcacheClient option transport must be "grpc" or "http", got null'],
    [
      { nodes, logger: console.log },
      'RingcacheClient option logger must have log(message) and warn(message) methods, got a function',
    ],
  ])('names the option and the value: %j', (options, message) => {
    expect(problem(options)).toBe(message);
  });

  it.each([
    [[], 'RingcacheClient option nodes must be a non-empty list of { name, grpc, http? }, got []'],
    [
      [{ grpc: '127.0.0.1:1' }],
      'RingcacheClient option nodes[0].name must be 1 to 64 of A-Z a-z 0-9 _ . -, got undefined',
    ],
    [
      [{ name: 'a b', grpc: '127.0.0.1:1' }],
      'RingcacheClient option nodes[0].name must be 1 to 64 of A-Z a-z 0-9 _ . -, got "a b"',
    ],
    [
      [{ name: 'a', grpc: '127.0.0.1' }],
      'RingcacheClient option nodes[0].grpc must be host:port, got "127.0.0.1"',
    ],
    [
      [{ name: 'a', grpc: 'h:70000' }],
      'RingcacheClient option nodes[0].grpc must be host:port, got "h:70000"',
    ],
    [
      [{ name: 'a', grpc: 'h:1', http: 'x' }],
      'RingcacheClient option nodes[0].http must be host:port, got "x"',
    ],
    [
      [
        { name: 'a', grpc: 'h:1' },
        { name: 'a', grpc: 'h:2' },
      ],
      'RingcacheClient option nodes[1].name is a duplicate, got "a"',
    ],
  ])('checks the fixed list: %j', (list, message) => {
    expect(problem({ nodes: list })).toBe(message);
  });

  it.each([
    [
      { endpoints: [] },
      'RingcacheClient option etcd.endpoints must be a non-empty list of http(s)://host:port, got []',
    ],
    [
      { endpoints: '127.0.0.1:2379' },
      'RingcacheClient option etcd.endpoints must be a non-empty list of http(s)://host:port, got "127.0.0.1:2379"',
    ],
    [
      { endpoints: ['127.0.0.1:2379'] },
      'RingcacheClient option etcd.endpoints[0] must be http://host:port or https://host:port, got "127.0.0.1:2379"',
    ],
    [
      { endpoints: ['http://e:2379'], cluster: 'Prod' },
      'RingcacheClient option etcd.cluster must be 1 to 63 of a-z 0-9 -, got "Prod"',
    ],
    [
      { endpoints: ['http://e:2379'], dialTimeoutMs: 0 },
      'RingcacheClient option etcd.dialTimeoutMs must be an integer in [1, 2147483647], got 0',
    ],
    [{ endpoints: ['http://e:2379'], hosts: [] }, 'unknown RingcacheClient option etcd.hosts'],
    [{ endpoints: ['http://e:2379'], tls: { ca: 'x' } }, 'unknown RingcacheClient option etcd.tls.ca'],
    [
      { endpoints: ['http://e:2379'], password: 1 },
      'RingcacheClient option etcd.password must be a string, got 1',
    ],
  ])('checks the etcd options: %j', (etcd, message) => {
    expect(problem({ etcd })).toBe(message);
  });
});
