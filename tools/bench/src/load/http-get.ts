import { request, type Agent } from 'node:http';

/** How one GET ended: a status (the body read to the end), or an error message. */
export type GetOutcome = { status: number; ms: number } | { error: string; ms: number };

/** GETs `origin + path` through `agent`, reading and discarding the body; never rejects. */
export function httpGet(agent: Agent, origin: string, path: string, timeoutMs = 10_000): Promise<GetOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${origin}${path}`, { agent, timeout: timeoutMs }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', (error) => resolve({ error: error.message, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ error: error.message, ms: performance.now() - started }));
    req.end();
  });
}
