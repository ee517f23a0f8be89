import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate and key issued by a {@link TestCa}, with the CA's file beside them. */
export interface IssuedCertificate {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Serial number in upper-case hex, as X509Certificate.serialNumber gives it. */
  serial: string;
}

/** Options of {@link TestCa.issue}. */
export interface IssueOptions {
  /** subjectAltName entries. Default `IP:127.0.0.1,DNS:localhost`. */
  san?: string;
  /** Issue a certificate that expired long ago (valid one day in 2020). Default false. */
  expired?: boolean;
}

/**
 * A throwaway certificate authority made with the `openssl` CLI (P-256 keys: fast to make and to use), for
 * tests of mutual TLS. Every certificate it issues serves both as server and client certificate.
 */
export class TestCa {
  readonly caFile: string;
  private readonly keyFile: string;
  private issued = 0;

  private constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.caFile = join(dir, 'ca.pem');
    this.keyFile = join(dir, 'ca.key');
  }

  /** Makes a CA called `name` in `<parent>/<name>/`. */
  static create(parent: string, name = 'ringcache-test-ca'): TestCa {
    const ca = new TestCa(join(parent, name), name);
    mkdirSync(ca.dir, { recursive: true });
    openssl(
      ['req', '-x509', ...NEW_KEY, '-keyout', ca.keyFile, '-out', ca.caFile, '-days', '30'],
      ['-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE'],
      ['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
    return ca;
  }

  /** Issues a certificate for `name` into `<dir>/<name>.pem` and `<name>.key` (overwriting them). */
  issue(name: string, options: IssueOptions = {}): IssuedCertificate {
    const base = join(this.dir, `${name}-${++this.issued}`);
    const ext = `${base}.ext`;
    writeFileSync(
      ext,
      `subjectAltName=${options.san ?? 'IP:127.0.0.1,DNS:localhost'}\n` +
        'extendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n',
    );
    openssl([
      'req',
      '-new',
      ...NEW_KEY,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=${name}`,
    ]);
    const serial = randomSerial();
    if (options.expired) this.signExpired(base, ext, serial);
    else {
      openssl(
        ['x509', '-req', '-in', `${base}.csr`, '-CA', this.caFile, '-CAkey', this.keyFile],
        ['-set_serial', `0x${serial}`, '-days', '30', '-extfile', ext, '-out', `${base}.crt`],
      );
    }
    const certFile = join(this.dir, `${name}.pem`);
    const keyFile = join(this.dir, `${name}.key`);
    writeFileSync(certFile, readFileSync(`${base}.crt`));
    writeFileSync(keyFile, readFileSync(`${base}.key`));
    return { caFile: this.caFile, certFile, keyFile, serial };
  }

  /** `openssl x509 -days` cannot go back in time; `openssl ca` takes explicit dates. */
  private signExpired(base: string, ext: string, serial: string): void {
    const db = `${base}-db`;
    mkdirSync(db, { recursive: true });
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'serial'), `${serial.length % 2 ? '0' : ''}${serial}\n`);
    const config = `${base}.cnf`;
    writeFileSync(
      config,
      `[ca]\ndefault_ca = test\n[test]\ndatabase = ${db}/index.txt\nnew_certs_dir = ${db}\n` +
        `serial = ${db}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n`,
    );
    openssl(
      ['ca', '-batch', '-notext', '-config', config, '-cert', this.caFile, '-keyfile', this.keyFile],
      ['-in', `${base}.csr`, '-out', `${base}.crt`, '-extfile', ext],
      ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z'],
    );
  }
}

/**
 * 16 hex digits, the first 1–7: positive, and with no leading zero for Node to add back. A serial with an
 * odd number of digits is written by X509Certificate.serialNumber with a leading 0, so a random one compared
 * as given failed one time in sixteen.
 */
function randomSerial(): string {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0] & 0x7f) | 0x10;
  return bytes.toString('hex').toUpperCase();
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(...args: string[][]): void {
  execFileSync('openssl', args.flat(), { stdio: ['ignore', 'ignore', 'pipe'] });
}
