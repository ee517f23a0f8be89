'use strict';
/**
 * The images' health check: `node healthcheck.js <cache-node|gateway|ttl-worker>`, from the app's folder
 * (the image's WORKDIR). It asks the app's own `/healthz` on the host, port and TLS its configuration gives,
 * read by the app's own config loader from the same environment and file, so a container that serves TLS
 * is checked over TLS rather than reported unhealthy. Exit 0 when the app answers 200, 1 otherwise.
 *
 * A cache node with mutual TLS asks every client for a certificate: the check presents the node's own
 * (`tls.certFile`, `tls.keyFile`) and trusts `tls.caFile`. A gateway serving HTTPS is asked without checking
 * its certificate: the check talks to its own container on loopback and sends nothing but the path.
 */
const http = require('node:http');
const https = require('node:https');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const APPS = ['cache-node', 'gateway', 'ttl-worker'];
const TIMEOUT_MS = 2_000;

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

/** Where a probe on this host reaches a server listening on `host` (a wildcard means every address). */
function reachable(host) {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/** Host, port and TLS options of `/healthz` for `app` under `config`. */
function target(app, config) {
  if (app === 'cache-node') {
    const { caFile, certFile, keyFile } = config.tls;
    const tls = certFile
      ? {
          ca: readFileSync(caFile),
          cert: readFileSync(certFile),
          key: readFileSync(keyFile),
          // The chain is checked against the cluster's CA; the name is not, as the node's certificate
          // names it as its peers dial it, not as loopback.
          checkServerIdentity: () => undefined,
        }
      : undefined;
    return { host: config.node.host, port: config.node.httpPort, tls };
  }
  if (app === 'gateway') {
    const tls = config.gateway.tls.certFile ? { rejectUnauthorized: false } : undefined;
    return { host: config.gateway.host, port: config.gateway.port, tls };
  }
  return { host: config.ttlWorker.host, port: config.ttlWorker.port, tls: undefined };
}

function main() {
  const app = process.argv[2];
  if (!APPS.includes(app)) fail(`usage: node healthcheck.js <${APPS.join('|')}>`);
  let config;
  try {
    const { loadConfig } = require(
      join(process.cwd(), 'dist', 'apps', app, 'libs', 'config', 'src', 'index.js'),
    );
    config = loadConfig();
  } catch (error) {
    fail(`cannot read the configuration: ${error.message}`);
  }
  const { host, port, tls } = target(app, config);
  const options = { host: reachable(host), port, path: '/healthz', timeout: TIMEOUT_MS };
  const request = (tls ? https : http).get(tls ? { ...options, ...tls } : options, (response) => {
    response.resume();
    if (response.statusCode === 200) process.exit(0);
    fail(`/healthz answered ${response.statusCode}`);
  });
  request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
  request.on('error', (error) =>
    fail(`${tls ? 'https' : 'http'}://${options.host}:${port}/healthz: ${error.message}`),
  );
}

main();
