import type { Server } from '@grpc/grpc-js';

/**
 * Bounds the graceful shutdown of `server`: its `tryShutdown` still lets calls in progress finish, but after
 * `graceMs` it cancels whatever is left. Nest's graceful close awaits `tryShutdown`, which on its own waits
 * for every call — and a `Health.Watch` stream, or a handler stuck on a dead database, never ends — so an
 * unbounded wait would hang the node's shutdown.
 */
export function boundShutdown(server: Server, graceMs: number): void {
  const tryShutdown = server.tryShutdown.bind(server);
  server.tryShutdown = (callback: (error?: Error) => void) => {
    // forceShutdown closes the remaining sessions, which completes the pending tryShutdown.
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    tryShutdown((error) => {
      clearTimeout(timer);
      callback(error);
    });
  };
}
