/** What each request of a load sends besides its path: a method (default GET) and a body. */
export interface RequestShape {
  method?: 'GET' | 'PUT' | 'DELETE' | 'POST';
  /** Query string appended to every path, with its `?`, e.g. `?ttl=60s`. */
  query?: string;
  /** Body of every request (a PUT's value, a POST's JSON). */
  body?: string;
  contentType?: string;
}

/** Which paths a load asks for. */
export type Target = RequestShape &
  /** The same path every time (a hot key, or a constant-answer baseline). */
  (
    | { kind: 'one'; path: string }
    /** `prefix + keyName(i)` with `i` uniform at random in `[0, keys)`, drawn for every request. */
    | { kind: 'uniform'; prefix: string; keys: number }
  );

/** A bounded load measured with autocannon. */
export interface TimedLoad {
  mode: 'timed';
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  target: Target;
  connections: number;
  /** Length of the run, in seconds (a warm-up is a run of its own, so CPU is sampled around each). */
  durationSec: number;
}

/** Every key of `[from, to)` once, `concurrency` at a time: warms a cache or fills it. */
export interface SweepLoad {
  mode: 'sweep';
  origin: string;
  prefix: string;
  from: number;
  to: number;
  concurrency: number;
}

/**
 * `count` requests for one path sent at the same moment on `count` connections opened beforehand (with
 * a request to `preconnectPath` each), so the burst measures the server, not TCP handshakes.
 */
export interface BurstLoad {
  mode: 'burst';
  origin: string;
  path: string;
  preconnectPath: string;
  count: number;
}

/**
 * Stores `count` distinct keys of `valueBytes` each through the SDK's setMany (batches of 1,000,
 * `concurrency` at a time, over HTTP to the nodes): fills a cache fast, to measure its memory.
 */
export interface FillLoad {
  mode: 'fill';
  nodes: { name: string; grpc: string; http: string }[];
  group: string;
  count: number;
  valueBytes: number;
  concurrency: number;
}

/** A front and the load sent to it: one side of a paired measure (scenarios/paired.ts). */
export interface PairSide {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  target: Target;
  /** Entries each request carries (a batch write's); rates are then entries/s. Default 1. */
  perRequest?: number;
}

/** What the load runner process is asked to do. */
export type LoadSpec = TimedLoad | SweepLoad | BurstLoad | FillLoad;

/** Latency percentiles in milliseconds. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** What the load runner reports, whatever the mode. */
export interface LoadResult {
  /** Answers received (any status). */
  responses: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** Answers with any other status. */
  non2xx: number;
  /** Connection errors and timeouts: requests that got no answer. */
  errors: number;
  /** Of `errors`, how many were timeouts. */
  timeouts: number;
  /** Count by status code, e.g. `{ "200": 12345 }`. */
  statusCodes: Record<string, number>;
  /** Wall time of the measured part, in seconds. */
  durationSec: number;
  /** Answers per second over the measured part. */
  rps: number;
  latencyMs: Latency;
  /** CPU the load generator used over the measured part, in % of one core: near 100 means it was the limit. */
  loadgenCpuPercent: number;
  /** First error messages seen, for the report. */
  errorSamples: string[];
  /** CPU seconds the load-runner process used in its whole life (start-up included). */
  runnerCpuSec?: number;
  /** When the measured part started and finished (epoch ms, the machine's clock): timed loads. */
  windowMs?: [number, number];
}
