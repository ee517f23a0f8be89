'use strict';

const { readFileSync } = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const { CliError, EXIT, unavailable, usage } = require('./cli-error');

/**
 * The gateway's HTTP API over node:http or node:https: one keep-alive agent per run, the API key as a
 * bearer token, and the gateway's answers mapped to the CLI's exit codes in one place (`check`).
 */
class GatewayClient {
  /** @param options `{ gateway, apiKey, tls: { ca, cert, key } | undefined, timeoutMs }` */
  constructor(options) {
    this.base = options.gateway.replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs;
    this.headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
    const secure = this.base.startsWith('https:');
    const tls = secure && options.tls ? readTls(options.tls) : {};
    this.transport = secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, ...tls });
  }

  /** Sends one request; resolves `{ status, headers, body: Buffer }` whatever the status. */
  request(method, path, body, headers = {}) {
    const url = `${this.base}${path}`;
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        url,
        { method, agent: this.agent, headers: { ...this.headers, ...headers }, timeout: this.timeoutMs },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', (error) => reject(unavailable(`${method} ${url}: ${error.message}`)));
        },
      );
      req.on('timeout', () =>
        req.destroy(unavailable(`${method} ${url}: no answer in ${this.timeoutMs} ms`)),
      );
      req.on('error', (error) => reject(connectError(error, this.base)));
      req.end(body);
    });
  }

  /** A JSON request whose answer must be 2xx; resolves the parsed body. */
  async json(method, path, body) {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      headers,
    );
    check(res, `${method} ${path}`);
    return JSON.parse(res.body.toString('utf8'));
  }

  close() {
    this.agent.destroy();
  }
}

/** Certificate errors: asking again will not help, a --tls-ca (or another gateway URL) will. */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/;

/** The CliError for a request that got no answer: unavailable (3), or bad usage (2) for a certificate. */
function connectError(error, base) {
  if (error instanceof CliError) return error;
  if (CERTIFICATE_ERRORS.test(String(error.code)))
    return usage(
      `the gateway's certificate at ${base} is not trusted (${error.code}); give its CA with --tls-ca`,
    );
  return unavailable(`cannot reach the gateway at ${base}: ${error.message}`);
}

/** Throws the CliError for a gateway answer that is not 2xx; `what` names the call. */
function check(res, what) {
  if (res.status >= 200 && res.status < 300) return;
  const { code, message } = errorBody(res);
  const said = `${code ?? res.status}${message ? `: ${message}` : ''}`;
  if (res.status === 401)
    throw new CliError(`the gateway wants an API key (${said}); give one with --api-key`, EXIT.usage);
  if (res.status === 403)
    throw new CliError(`this API key may not do that (${said}); it needs another scope`, EXIT.usage);
  if (res.status === 429 || res.status >= 500)
    throw unavailable(`${what}: the cluster answered ${res.status} ${said}${retryAfter(res)}`);
  throw usage(`${what}: ${res.status} ${said}`);
}

function errorBody(res) {
  try {
    const body = JSON.parse(res.body.toString('utf8'));
    return { code: body.code, message: body.message };
  } catch {
    return { message: res.body.toString('utf8').slice(0, 200) };
  }
}

function retryAfter(res) {
  return res.headers['retry-after'] ? ` (retry after ${res.headers['retry-after']} s)` : '';
}

/** The PEM files of --tls-*, read now so a missing file is a usage error before any request. */
function readTls(files) {
  const read = (option, path) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw usage(`${option}: cannot read ${path}: ${error.code ?? error.message}`);
    }
  };
  return {
    ca: read('--tls-ca', files.ca),
    cert: read('--tls-cert', files.cert),
    key: read('--tls-key', files.key),
  };
}

/** `/api/v1/groups/<group>/keys/<key>` with both parts encoded. */
function keyPath(group, key) {
  return `/api/v1/groups/${encodeURIComponent(group)}/keys/${encodeURIComponent(key)}`;
}

module.exports = { GatewayClient, check, keyPath };
