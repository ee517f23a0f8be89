import type { RingcacheClient } from '@ringcache/client';

/** A way into the cluster that a workload calls: a gateway's HTTP API or the SDK. */
export interface EntryPoint {
  name: string;
  /** The value, or null when not found; throws on any error. */
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A gateway's HTTP API for one group. `timeoutMs` is the client's own limit, well above the cluster's
 * deadline, so that a slow answer is measured rather than cut short.
 */
export function gatewayEntryPoint(
  name: string,
  baseUrl: string,
  group: string,
  timeoutMs: number,
): EntryPoint {
  const url = (key: string) =>
    `${baseUrl}/api/v1/groups/${encodeURIComponent(group)}/keys/${encodeURIComponent(key)}`;
  const call = async (method: string, key: string, body?: string): Promise<Response> => {
    const res = await fetch(url(key), { method, body, signal: AbortSignal.timeout(timeoutMs) });
    return res;
  };
  const fail = async (res: Response): Promise<never> => {
    const text = await res.text();
    let code = text.slice(0, 80);
    try {
      code = (JSON.parse(text) as { code?: string }).code ?? code;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`HTTP ${res.status} ${code}`);
  };
  return {
    name,
    async get(key) {
      const res = await call('GET', key);
      if (res.status === 200) return await res.text();
      if (res.status === 404) {
        const text = await res.text();
        if (text.includes('"not_found"')) return null;
        throw new Error(`HTTP 404 ${text.slice(0, 80)}`);
      }
      return fail(res);
    },
    async set(key, value) {
      const res = await call('PUT', key, value);
      if (res.status !== 200) await fail(res);
      else await res.arrayBuffer();
    },
    async delete(key) {
      const res = await call('DELETE', key);
      if (res.status !== 200) await fail(res);
      else await res.arrayBuffer();
    },
  };
}

/** The SDK, calling each key's owner directly. */
export function sdkEntryPoint(name: string, client: RingcacheClient, group: string): EntryPoint {
  return {
    name,
    async get(key) {
      const value = await client.get(group, key);
      return value === undefined ? null : value.toString('utf8');
    },
    async set(key, value) {
      await client.set(group, key, value);
    },
    async delete(key) {
      await client.delete(group, key);
    },
  };
}
