import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';

import { eventually, tempDir, TestCa, type TempDir } from '@ringcache/testing';

import { readCertificate, watchCertificate } from './certificate-watch';

/** Serial of the certificate a TLS server presents to a new connection. */
function servedSerial(port: number, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, ca: readFileSync(caFile), servername: 'localhost' },
      () => {
        const served = socket.getPeerX509Certificate();
        socket.end();
        if (served) resolve(new X509Certificate(served.raw).serialNumber);
        else reject(new Error('the server presented no certificate'));
      },
    );
    socket.on('error', reject);
  });
}

describe('watchCertificate', () => {
  let dir: TempDir;
  let ca: TestCa;
  let server: Server;
  const logged: string[] = [];
  const logger = { log: (m: string) => logged.push(m), warn: (m: string) => logged.push(`warn ${m}`) };

  beforeAll(() => {
    dir = tempDir('certificate-watch-');
    ca = TestCa.create(dir.path);
  });
  afterEach(() => new Promise((done) => server.close(done)));
  afterAll(() => dir.remove());

  it('serves renewed files to new connections and keeps the old pair while the new one does not fit', async () => {
    const first = ca.issue('gateway');
    const tls = { certFile: first.certFile, keyFile: first.keyFile };
    const served = readCertificate(tls);
    server = createServer(served, (socket) => socket.end());
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    // Renewed before watching began: still a change against the pair the server was started with.
    const second = ca.issue('second');
    copyFileSync(second.certFile, first.certFile);
    copyFileSync(second.keyFile, first.keyFile);
    const stop = watchCertificate(server, tls, served, logger, 20);
    server.once('close', stop);
    const { port } = server.address() as AddressInfo;
    await eventually(
      'the renewed certificate served',
      async () => (await servedSerial(port, ca.caFile)) === second.serial,
      10_000,
    );
    expect(logged).toContain(`gateway certificate reloaded from ${first.certFile}`);

    const half = ca.issue('half');
    copyFileSync(half.certFile, first.certFile);
    await eventually(
      'the mismatch reported',
      () => logged.some((m) => m.startsWith('warn gateway certificate not reloaded')),
      10_000,
    );
    expect(await servedSerial(port, ca.caFile)).toBe(second.serial);
  }, 30_000);
});
