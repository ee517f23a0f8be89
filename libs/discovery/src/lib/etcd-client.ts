import { readFileSync } from 'node:fs';

import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry } from 'cockatiel';
import { Etcd3, GRPCCancelledError, isRecoverableError, type IOptions } from 'etcd3';

type WatchBackoff = NonNullable<IOptions['faultHandling']>['watchBackoff'];

/** Largest message taken from etcd (a watch response), in bytes: 256 MiB: millions of expiring keys. */
export const ETCD_MAX_RECEIVE_BYTES = 256 * 1024 * 1024;

/** Options of {@link createEtcdClient}. */
export interface EtcdClientOptions {
  /** `http(s)://host:port` of each member. */
  endpoints: string[];
  /** Longest wait to connect, in ms. */
  dialTimeoutMs: number;
  /** Deadline of every unary call, in ms. Default 3,000. */
  callTimeoutMs?: number;
  username?: string;
  password?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/**
 * An etcd client tuned for membership: every call has a deadline (a killed leader otherwise stalls a
 * call for several seconds), recoverable errors are retried on another member, and watches reconnect
 * within a couple of seconds instead of etcd3's default of up to 30.
 */
export function createEtcdClient(options: EtcdClientOptions): Etcd3 {
  if (options.endpoints.length === 0) throw new Error('etcd: no endpoints configured');
  const callTimeoutMs = options.callTimeoutMs ?? 3_000;
  const settings: IOptions = {
    hosts: options.endpoints,
    dialTimeout: options.dialTimeoutMs,
    grpcOptions: {
      // grpc-js waits up to 120 s between reconnection attempts by default: after an etcd outage of a few
      // seconds a process would come back to etcd up to minutes late. Retry quickly instead.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
      // etcd sends every event of one revision in one watch response, and a bucket lease's end deletes all of
      // its delay-queue records at one revision. grpc-js refuses messages over 4 MiB by default: the watch
      // then failed on every retry, and expiry stopped for good.
      'grpc.max_receive_message_length': ETCD_MAX_RECEIVE_BYTES,
    },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isHostFailure), {
          halfOpenAfter: 1_000,
          breaker: new ConsecutiveBreaker(3),
        }),
      global: retry(handleWhen(isRecoverableError), {
        maxAttempts: 3,
        backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
      }),
      // etcd3 calls `.next()` on this to start each reconnect series, so it takes a backoff factory, as its
      // own default is; its type says otherwise (an older cockatiel's IBackoff).
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }) as unknown as WatchBackoff,
    },
  };
  if (options.username) settings.auth = { username: options.username, password: options.password ?? '' };
  const tls = options.tls;
  if (tls?.caFile || tls?.certFile) {
    settings.credentials = {
      rootCertificate: tls.caFile ? readFileSync(tls.caFile) : Buffer.alloc(0),
      privateKey: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
      certChain: tls.certFile ? readFileSync(tls.certFile) : undefined,
    };
  }
  return new Etcd3(settings);
}

/**
 * Whether an error of a call says that the member it went to is failing, and counts towards that member's
 * circuit breaker. etcd3 counts every recoverable error, cancellations included; but a call is cancelled
 * because its caller gave up on it (a watch or a campaign ended), or because etcd3 reset the member's
 * connections after another error, so three cancelled calls in a row would make the client refuse every
 * call to a healthy member for a second.
 */
export function isHostFailure(error: Error): boolean {
  return isRecoverableError(error) && !(error instanceof GRPCCancelledError);
}
