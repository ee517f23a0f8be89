'use strict';

const { check, keyPath } = require('./gateway-client');

/** get, set, del and mget over the gateway's HTTP API, with the same answers as SdkClient's. */
class GatewayKeys {
  /** @param gateway a GatewayClient */
  constructor(gateway) {
    this.gateway = gateway;
  }

  /** `{ found, value: Buffer, expireAtMs }`; a 404 `not_found` is an answer, `unknown_group` an error. */
  async get(group, key) {
    const res = await this.gateway.request('GET', keyPath(group, key));
    if (res.status === 404 && notFound(res)) return { found: false };
    check(res, `get ${group}/${key}`);
    return { found: true, value: res.body, expireAtMs: Number(res.headers['x-ringcache-expire-at'] ?? 0) };
  }

  /** Stores the bytes; resolves `{ expireAtMs }`. */
  async set(group, key, value, ttl) {
    const query = ttl ? `?ttl=${encodeURIComponent(ttl)}` : '';
    const res = await this.gateway.request('PUT', `${keyPath(group, key)}${query}`, value, {
      'content-type': 'application/octet-stream',
    });
    check(res, `set ${group}/${key}`);
    return JSON.parse(res.body.toString('utf8'));
  }

  /** Resolves `{ deleted }`. */
  async del(group, key) {
    const res = await this.gateway.request('DELETE', keyPath(group, key));
    check(res, `del ${group}/${key}`);
    return JSON.parse(res.body.toString('utf8'));
  }

  /** One batchGet: each key's `{ key, found, value: Buffer, expireAtMs }`, in order. */
  async mget(group, keys) {
    const answer = await this.gateway.json(
      'POST',
      `/api/v1/groups/${encodeURIComponent(group)}/keys:batchGet`,
      {
        keys,
      },
    );
    return answer.results.map((r) =>
      r.found
        ? { key: r.key, found: true, value: Buffer.from(r.value, 'base64'), expireAtMs: r.expireAtMs }
        : { key: r.key, found: false },
    );
  }

  close() {
    this.gateway.close();
  }
}

function notFound(res) {
  try {
    return JSON.parse(res.body.toString('utf8')).code === 'not_found';
  } catch {
    return false;
  }
}

module.exports = { GatewayKeys };
