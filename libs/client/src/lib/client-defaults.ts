import type { ClientTransport } from './client-options';

/** The defaults, the same as the cluster's own (config/ringcache.yaml). */
export const CLIENT_DEFAULTS = Object.freeze({
  cluster: 'ringcache',
  transport: 'grpc' as ClientTransport,
  deadlineMs: 3_000,
  readyTimeoutMs: 10_000,
  vnodes: 160,
  probes: 8,
  maxKeyBytes: 1_024,
  maxValueBytes: 1_048_576,
  dialTimeoutMs: 2_000,
  callTimeoutMs: 3_000,
});

/** Longest timer Node.js honours; a longer setTimeout fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
