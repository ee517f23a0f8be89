import type { Server } from '@grpc/grpc-js';

/**
 * Bounds the graceful shutdown of `server`: its `tryShutdown` still lets calls in progress finish, but after
 * `graceMs` it cancels whatever is left. Nest's graceful close awaits `tryShutdown`, which on its own waits
 * for every call — and a `Health.Watch` stream, or a handler stuck on a dead database, never ends — so an
 * unbounded wait would hang the node's shutdown. `onShutdown` runs as the shutdown begins.
 */
export function boundShutdown(server: Server, graceMs: number, onShutdown?: () => void): void {
  const tryShutdown = server.tryShutdown.bind(server);
  server.tryShutdown = (callback: (error?: Error) => void) => {
    // Long-lived streams of ours end once their calls are answered, so they do not hold the shutdown.
    onShutdown?.();
    // forceShutdown closes the remaining sessions, which completes the pending tryShutdown.
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    tryShutdown((error) => {
      clearTimeout(timer);
      callback(error);
    });
  };
}
