/** Injection token of the {@link TtlWorkerHost}. */
export const TTL_WORKER_HOST = 'ringcache:TtlWorkerHost';
