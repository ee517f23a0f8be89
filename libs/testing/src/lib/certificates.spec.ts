import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { TestCa } from './certificates';
import { tempDir, type TempDir } from './temp-dir';

describe('TestCa', () => {
  let dir: TempDir;
  beforeAll(() => (dir = tempDir('test-ca-')));
  afterAll(() => dir.remove());

  it('tells each serial as X509Certificate.serialNumber writes it', () => {
    const ca = TestCa.create(dir.path);
    for (let i = 0; i < 8; i++) {
      const issued = ca.issue(`serial-${i}`);
      expect(issued.serial).toMatch(/^[1-7][0-9A-F]{15}$/);
      expect(new X509Certificate(readFileSync(issued.certFile)).serialNumber).toBe(issued.serial);
    }
  });

  it('issues a certificate that verifies against its CA, and an expired one on request', () => {
    const ca = TestCa.create(dir.path, 'other-ca');
    const caCert = new X509Certificate(readFileSync(ca.caFile));
    const valid = new X509Certificate(readFileSync(ca.issue('valid').certFile));
    expect(valid.verify(caCert.publicKey)).toBe(true);
    expect(new Date(valid.validTo).getTime()).toBeGreaterThan(Date.now());
    const expired = new X509Certificate(readFileSync(ca.issue('old', { expired: true }).certFile));
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());
  });
});
