// The part of autocannon 8's programmatic API this benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    body?: string;
    headers?: Record<string, string>;
  }

  /** One connection of a run. */
  interface Client {
    /** Replaces the requests this connection cycles through (each built once, here). */
    setRequests(requests: AutocannonRequest[]): void;
  }

  /** Options of one run (the ones used here). */
  export interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    /** How often, in ms, it samples its counters — and checks whether a run of `amount` is done. Default 1,000. */
    sampleInt?: number;
    requests?: AutocannonRequest[];
    /** Called once per connection as it is created. */
    setupClient?: (client: Client) => void;
  }

  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
    total: number;
  }

  interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram;
    start: Date;
    finish: Date;
  }

  interface Instance extends PromiseLike<AutocannonResult> {
    on(event: 'reqError', listener: (error: Error) => void): this;
  }

  /** Starts a run; the instance resolves with its result. */
  function autocannon(options: AutocannonOptions): Instance;
  export = autocannon;
}
