import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { freePort, runToExit, tempDir, TestCa, workspaceRoot, type TempDir } from '@ringcache/testing';

import { composeTlsProblems, makeCerts, scriptServices, type TlsService } from './compose-tls';

/**
 * The mutual TLS of docker/compose.yaml, without a Docker engine: the rules hold for the file (and catch
 * mistakes), the certificate script the `certs` service runs makes what the services read, and a node's
 * health check — run as its container would, with its RINGCACHE_TLS_* files — passes only against a port
 * that takes its certificate and answers ready.
 */
describe('docker compose: mutual TLS', () => {
  const root = workspaceRoot();
  const text = readFileSync(join(root, 'docker/compose.yaml'), 'utf8');
  const services = (text: string) =>
    (parseYaml(text, { merge: true }) as { services: Record<string, TlsService> }).services;
  const APPS = ['node1', 'node2', 'node3', 'gateway', 'ttl-worker'];
  let dir: TempDir;
  let certs: string;

  beforeAll(() => {
    dir = tempDir('ringcache-compose-tls-');
    certs = join(dir.path, 'certs');
    makeCerts(certs);
  });

  afterAll(() => dir?.remove());

  it('passes the rules: every ringcache service presents its own certificate, none is insecure', () => {
    expect(composeTlsProblems(services(text), APPS)).toEqual([]);
  });

  it('catches mistakes', () => {
    const broken = (from: string, to: string) => {
      expect(text).toContain(from);
      return composeTlsProblems(services(text.replace(from, to)), APPS);
    };
    expect(
      broken(
        '      RINGCACHE_NODE_NAME: node1\n',
        "      RINGCACHE_NODE_NAME: node1\n      RINGCACHE_SECURITY_INSECURE: 'true'\n",
      ),
    ).toEqual(['node1: sets RINGCACHE_SECURITY_INSECURE']);
    expect(
      broken('RINGCACHE_TLS_CERT_FILE: /certs/node2.pem', 'RINGCACHE_TLS_CERT_FILE: /certs/node1.pem'),
    ).toEqual(['node2: RINGCACHE_TLS_CERT_FILE=/certs/node1.pem, expected /certs/node2.pem']);
    expect(broken('      RINGCACHE_TLS_KEY_FILE: /certs/gateway.key\n', '')).toEqual([
      'gateway: no RINGCACHE_TLS_KEY_FILE',
    ]);
    expect(broken('  - certs:/certs:ro', '  - certs:/certs')).toEqual(
      APPS.map((name) => `${name}: mounts the certs volume writable, not :ro`),
    );
    expect(broken('condition: service_completed_successfully', 'condition: service_started')).toContain(
      "certs: must be one-shot (restart 'no', waited for with service_completed_successfully)",
    );
    expect(
      broken("port:8102,path:'/readyz',ca:t('CA'),cert:t('CERT'),key:t('KEY')", "port:8102,path:'/readyz'"),
    ).toEqual(['node2: the health check must ask over https presenting the RINGCACHE_TLS_* files']);
  });

  it('makes a certificate from one CA for every ringcache service, named after it, and keeps no CA key', () => {
    expect(scriptServices()).toEqual(APPS);
    expect(existsSync(join(certs, 'ca.key'))).toBe(false);
    for (const name of APPS) {
      const cert = join(certs, `${name}.pem`);
      expect(
        execFileSync('openssl', ['verify', '-CAfile', join(certs, 'ca.pem'), cert]).toString(),
      ).toContain('OK');
      const san = execFileSync('openssl', [
        'x509',
        '-in',
        cert,
        '-noout',
        '-ext',
        'subjectAltName',
      ]).toString();
      expect(san).toContain(`DNS:${name}, DNS:localhost, IP Address:127.0.0.1`);
    }
    // Run again (a restarted `up`): the certificates every process trusts stay.
    const before = readFileSync(join(certs, 'node1.pem'), 'utf8');
    makeCerts(certs);
    expect(readFileSync(join(certs, 'node1.pem'), 'utf8')).toBe(before);
  });

  describe("a node's health check, run as in its container", () => {
    let server: Server;
    let port: number;
    let status = 200;

    /** The node1 service's health check, its port moved to ours and its /certs files to the temp dir. */
    async function healthCheck(files = certs): Promise<number | null> {
      const node1 = services(text)['node1'];
      const [cmd, exe, flag, script] = node1.healthcheck?.test as string[];
      expect([cmd, exe, flag]).toEqual(['CMD', 'node', '-e']);
      const env = Object.fromEntries(
        Object.entries(node1.environment as Record<string, string>)
          .filter(([key]) => key.startsWith('RINGCACHE_TLS_'))
          .map(([key, path]) => [key, path.replace(/^\/certs/, files)]),
      );
      const result = await runToExit(
        {
          name: 'healthcheck',
          command: process.execPath,
          args: ['-e', script.replace('port:8101', `port:${port}`)],
          env: { PATH: process.env['PATH'], ...env },
        },
        10_000,
      );
      return result.code;
    }

    beforeAll(async () => {
      port = await freePort();
      const read = (file: string) => readFileSync(join(certs, file));
      server = createServer(
        {
          ca: read('ca.pem'),
          cert: read('node1.pem'),
          key: read('node1.key'),
          requestCert: true,
          rejectUnauthorized: true,
        },
        (req, res) => res.writeHead(req.url === '/readyz' ? status : 404).end(),
      );
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

    it('passes when the node answers ready to its certificate', async () => {
      status = 200;
      expect(await healthCheck()).toBe(0);
    });

    it('fails when the node is not ready', async () => {
      status = 503;
      expect(await healthCheck()).toBe(1);
    });

    it('fails with certificates from another CA', async () => {
      status = 200;
      const other = TestCa.create(dir.path, 'other-ca');
      const issued = other.issue('node1');
      const files = join(dir.path, 'other-ca');
      // The same file names as /certs: ca.pem, node1.pem, node1.key.
      expect([other.caFile, issued.certFile]).toEqual([join(files, 'ca.pem'), join(files, 'node1.pem')]);
      expect(await healthCheck(files)).toBe(1);
    });
  });
});
