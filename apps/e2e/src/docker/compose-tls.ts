import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

import { workspaceRoot } from '@ringcache/testing';

import { dependsOn } from './compose-file';

/** The parts of a compose service the TLS rules read. */
export interface TlsService {
  command?: string | string[];
  restart?: string;
  environment?: Record<string, unknown> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

/** The script the one-shot `certs` service runs, from the repository root. */
export const CERTS_SCRIPT = 'docker/certs/make-certs.sh';

const FILES = ['CA', 'CERT', 'KEY'] as const;

/** A service's mounts as [source, target, read-only]. */
function mounts(service: TlsService): [string, string, boolean][] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return [volume.source ?? '', volume.target ?? '', !!volume.read_only];
    const [source, target, mode] = volume.split(':');
    return [source, target ?? source, mode === 'ro'];
  });
}

const environment = (service: TlsService): Record<string, unknown> =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((line) => line.split(/=(.*)/s).slice(0, 2)))
    : (service.environment ?? {});

/** The services the certificate script issues for: its SERVICES="…" line. */
export function scriptServices(script = readFileSync(join(workspaceRoot(), CERTS_SCRIPT), 'utf8')): string[] {
  return (/^SERVICES="([^"]*)"/m.exec(script)?.[1] ?? '').split(/\s+/).filter(Boolean);
}

/** True for a one-shot service: it runs to its end (restart `no`) and others wait for it to succeed. */
export function isOneShot(name: string, services: Record<string, TlsService>): boolean {
  return (
    services[name]?.restart === 'no' &&
    Object.values(services).some((s) => dependsOn(s)[name]?.condition === 'service_completed_successfully')
  );
}

/**
 * The mutual-TLS rules of compose.yaml: a one-shot service runs the certificate script into a named volume;
 * every ringcache service (`apps`: service names) waits for it, mounts that volume read-only, and sets
 * RINGCACHE_TLS_CA_FILE / _CERT_FILE / _KEY_FILE to files in it — its own `<service>.pem` and `.key`, which
 * the script issues — and never RINGCACHE_SECURITY_INSECURE; a node's health check presents those files
 * over https. Returns every problem found.
 */
export function composeTlsProblems(services: Record<string, TlsService>, apps: string[]): string[] {
  const problems: string[] = [];
  const issuer = Object.keys(services).find((name) => {
    const command = services[name].command;
    return (Array.isArray(command) ? command.join(' ') : (command ?? '')).includes(basename(CERTS_SCRIPT));
  });
  if (!issuer) return [`no service runs ${CERTS_SCRIPT}`];
  if (!isOneShot(issuer, services))
    problems.push(
      `${issuer}: must be one-shot (restart 'no', waited for with service_completed_successfully)`,
    );
  const command = services[issuer].command;
  const outDir = (Array.isArray(command) ? command.join(' ') : (command ?? '')).match(
    /make-certs\.sh\s+(\S+)/,
  )?.[1];
  const [volume] = mounts(services[issuer]).find(([, target]) => target === outDir) ?? [];
  if (!volume || volume.startsWith('.') || volume.startsWith('/'))
    problems.push(`${issuer}: writes ${outDir}, which is not a named volume`);
  const issued = scriptServices();
  for (const name of apps) {
    const service = services[name];
    const env = environment(service);
    if ('RINGCACHE_SECURITY_INSECURE' in env) problems.push(`${name}: sets RINGCACHE_SECURITY_INSECURE`);
    if (dependsOn(service)[issuer]?.condition !== 'service_completed_successfully')
      problems.push(`${name}: does not wait for ${issuer} (service_completed_successfully)`);
    const mount = mounts(service).find(([source]) => source === volume);
    if (!mount) problems.push(`${name}: does not mount the ${volume} volume`);
    else if (!mount[2]) problems.push(`${name}: mounts the ${volume} volume writable, not :ro`);
    const expected = { CA: 'ca.pem', CERT: `${name}.pem`, KEY: `${name}.key` };
    for (const file of FILES) {
      const path = env[`RINGCACHE_TLS_${file}_FILE`];
      if (typeof path !== 'string' || path === '') problems.push(`${name}: no RINGCACHE_TLS_${file}_FILE`);
      else if (!mount || posix.dirname(path) !== mount[1] || posix.basename(path) !== expected[file])
        problems.push(
          `${name}: RINGCACHE_TLS_${file}_FILE=${path}, expected ${mount?.[1]}/${expected[file]}`,
        );
    }
    if (!issued.includes(name)) problems.push(`${name}: ${CERTS_SCRIPT} issues no certificate for it`);
    if (env['RINGCACHE_NODE_NAME'] !== undefined) {
      const test = service.healthcheck?.test ?? '';
      const text = Array.isArray(test) ? test.join(' ') : test;
      if (!text.includes("require('https')") || !FILES.every((f) => text.includes(`t('${f}')`)))
        problems.push(`${name}: the health check must ask over https presenting the RINGCACHE_TLS_* files`);
    }
  }
  return problems;
}

/** Makes the compose certificates into `dir` with the `certs` service's script (needs `sh` and `openssl`). */
export function makeCerts(dir: string): void {
  execFileSync('sh', [join(workspaceRoot(), CERTS_SCRIPT), dir], { stdio: 'pipe' });
}

/**
 * `env` with the containers' `/certs/…` files of RINGCACHE_TLS_* moved to `dir` (made by makeCerts), so that
 * the config loader, which reads them, can load a service's environment here.
 */
export function withLocalCerts(env: Record<string, string>, dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      /^RINGCACHE_TLS_\w+_FILE$/.test(key) ? value.replace(/^\/certs(?=\/)/, dir) : value,
    ]),
  );
}
