import { X509Certificate } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually, tempDir, TestCa, type TempDir } from '@ringcache/testing';

import { TlsMaterial, TlsMaterialError } from './tls-material';

/** Longer than the waits of a rotation test together, so a slow machine fails on the wait that names what it missed. */
const ROTATION_TEST_MS = 30_000;

describe('TlsMaterial', () => {
  let dir: TempDir;
  let ca: TestCa;
  let files: { caFile: string; certFile: string; keyFile: string };
  const opened: TlsMaterial[] = [];
  const open = (options = {}) => {
    const material = TlsMaterial.fromFiles(files, { watchIntervalMs: 50, ...options });
    opened.push(material);
    return material;
  };

  beforeAll(() => {
    dir = tempDir('tls-material-');
    ca = TestCa.create(dir.path);
  });
  beforeEach(() => {
    const issued = ca.issue('node');
    files = { caFile: issued.caFile, certFile: issued.certFile, keyFile: issued.keyFile };
  });
  afterEach(() => opened.splice(0).forEach((m) => m.close()));
  afterAll(() => dir.remove());

  it('reads the CA, certificate and key, and tells the certificate serial', () => {
    const material = open();
    expect(new X509Certificate(material.pem.cert).serialNumber).toBe(material.serialNumber);
    expect(material.context).toBeDefined();
  });

  it('names the setting and the file it cannot read', () => {
    const missing = join(dir.path, 'missing.pem');
    expect(() => TlsMaterial.fromFiles({ ...files, certFile: missing }, { watchIntervalMs: 0 })).toThrow(
      new RegExp(`^tls\\.certFile ${missing}: cannot read it \\(ENOENT`),
    );
  });

  it('refuses a file that is no PEM, and a key of another certificate', () => {
    const junk = join(dir.path, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => TlsMaterial.fromFiles({ ...files, caFile: junk }, { label: 'x' })).toThrow(
      /^x\.caFile .*junk\.pem: not a PEM CA certificate/,
    );
    const other = ca.issue('other');
    expect(() => TlsMaterial.fromFiles({ ...files, keyFile: other.keyFile })).toThrow(TlsMaterialError);
    expect(() => TlsMaterial.fromFiles({ ...files, keyFile: other.keyFile })).toThrow(
      /tls\.keyFile .*other\.key: is not the key of tls\.certFile .*node\.pem/,
    );
  });

  it('takes PEM text too', () => {
    const material = open();
    expect(TlsMaterial.fromPem(material.pem).serialNumber).toBe(material.serialNumber);
    expect(() => TlsMaterial.fromPem({ ...material.pem, key: Buffer.from('x') }, 'opt')).toThrow(
      /^opt\.key: not a PEM private key/,
    );
  });

  it(
    'swaps in rotated files and tells its listeners, without a restart',
    async () => {
      const reloads: string[] = [];
      const material = open({ onReload: (m: TlsMaterial) => reloads.push(m.serialNumber) });
      const heard: string[] = [];
      material.onChange((pem) => heard.push(new X509Certificate(pem.cert).serialNumber));
      const next = ca.issue('next');
      copyFileSync(next.certFile, files.certFile);
      copyFileSync(next.keyFile, files.keyFile);
      await eventually('the new certificate in use', () => material.serialNumber === next.serial, 10_000);
      expect(heard).toEqual([next.serial]);
      expect(reloads).toEqual([next.serial]);
    },
    ROTATION_TEST_MS,
  );

  it(
    'keeps the old material while the new files do not fit together',
    async () => {
      const errors: string[] = [];
      const material = open({ onError: (e: Error) => errors.push(e.message) });
      const before = material.serialNumber;
      const next = ca.issue('half');
      copyFileSync(next.certFile, files.certFile);
      await eventually('the mismatch reported', () => errors.length > 0, 5_000);
      expect(errors[0]).toMatch(/is not the key of/);
      expect(material.serialNumber).toBe(before);
      copyFileSync(next.keyFile, files.keyFile);
      await eventually('the new pair in use', () => material.serialNumber === next.serial, 10_000);
    },
    ROTATION_TEST_MS,
  );
});
