import { join } from 'node:path';

import { freePort, startProcess, waitForHttp, type ManagedProcess } from '@ringcache/testing';

/** A baseline server process on a free loopback port. */
export interface BaselineServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  process: ManagedProcess;
}

/**
 * Starts `servers/<file>` (compiled beside this file) as its own Node process with `env` and a free
 * `PORT`, and waits until its /readyz answers 200. It inherits this process's CPU affinity: the server
 * cores. Stop it with `process.stop()`; the testing helpers kill it by pid if this run dies first.
 */
export async function startBaselineServer(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv = {},
): Promise<BaselineServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = startProcess({
    name,
    command: process.execPath,
    args: [join(__dirname, file)],
    env: { PATH: process.env['PATH'], NODE_ENV: 'production', ...env, PORT: String(port) },
  });
  try {
    await waitForHttp(`${origin}/readyz`, 15_000, {
      alive: () => server.alive,
      describe: () => `${name} output:\n${server.output()}`,
    });
  } catch (error) {
    await server.stop('SIGTERM', 2_000);
    throw error;
  }
  return { origin, process: server };
}
