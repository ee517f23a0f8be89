import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';

import { pollFileContents } from './file-poll';

/** The PEM text of a CA bundle, a certificate (chain) and its private key. */
export interface TlsPem {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Paths of the three PEM files. */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Options of {@link TlsMaterial.fromFiles}. */
export interface TlsMaterialOptions {
  /**
   * How often the files are checked for a change, in ms; 0 never re-reads them. Default 2,000: a rotated
   * certificate is in use within a few seconds, at the cost of reading three small files per interval.
   */
  watchIntervalMs?: number;
  /** Prefix of the names in error messages, e.g. `tls` → `tls.certFile /etc/x.pem: …`. Default `tls`. */
  label?: string;
  /** Told when changed files were read and are now in use. Default none. */
  onReload?: (material: TlsMaterial) => void;
  /** Told when changed files could not be used (the previous material stays in use). Default none. */
  onError?: (error: TlsMaterialError) => void;
}

/** A CA, certificate or key that cannot be used, named by its setting and file. */
export class TlsMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsMaterialError';
  }
}

type Listener = (pem: TlsPem) => void;

/** Between noticing a changed file and reading all three: a cert and key replaced together count once. */
const SETTLE_MS = 200;

/**
 * The certificate material of a process for mutual TLS: the CA that peers' certificates must chain to, and
 * this process's own certificate and key, presented both as a server and as a client. Made from files, it
 * watches them and swaps in new material when they change, so certificates rotate without a restart;
 * listeners (servers' secure contexts, credentials of client channels) hear of each swap. Material that
 * fails to load is never swapped in: at startup that is an error, later the old material stays.
 */
export class TlsMaterial {
  private pem_: TlsPem;
  private context_?: SecureContext;
  private readonly listeners = new Set<Listener>();
  private settleTimer?: NodeJS.Timeout;
  private stopPolling?: () => void;

  private constructor(
    pem: TlsPem,
    private readonly files?: TlsFiles,
    private readonly options: TlsMaterialOptions = {},
  ) {
    this.pem_ = pem;
  }

  /** Material given as PEM text (no files, no rotation). Throws a TlsMaterialError if it is unusable. */
  static fromPem(pem: TlsPem, label = 'tls'): TlsMaterial {
    const given = { ca: Buffer.from(pem.ca), cert: Buffer.from(pem.cert), key: Buffer.from(pem.key) };
    checkPem(given, { caFile: `${label}.ca`, certFile: `${label}.cert`, keyFile: `${label}.key` });
    return new TlsMaterial(given);
  }

  /**
   * Reads the three files now (throws a TlsMaterialError naming the file when one is unreadable or its
   * content unusable) and watches them for changes.
   */
  static fromFiles(files: TlsFiles, options: TlsMaterialOptions = {}): TlsMaterial {
    const pem = readPem(files, options.label ?? 'tls');
    const material = new TlsMaterial(pem, files, options);
    // Polled against what was just read: a file replaced since then is a change too.
    material.watch(options.watchIntervalMs ?? 2_000, [pem.ca, pem.cert, pem.key]);
    return material;
  }

  /** The material in use now. */
  get pem(): TlsPem {
    return this.pem_;
  }

  /** A client-side secure context of the current material (CA to verify servers, certificate to present). */
  get context(): SecureContext {
    this.context_ ??= createSecureContext(this.pem_);
    return this.context_;
  }

  /** Serial number of the current certificate, in hex, for logs. */
  get serialNumber(): string {
    return new X509Certificate(this.pem_.cert).serialNumber;
  }

  /** Calls `listener` with the new material after every swap; returns the function that unsubscribes. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching the files. Listeners stay subscribed but hear nothing more. */
  close(): void {
    clearTimeout(this.settleTimer);
    this.stopPolling?.();
    this.stopPolling = undefined;
  }

  /** Reads the files again now; swaps them in and tells listeners if they changed and are usable. */
  reload(): void {
    if (!this.files) return;
    let next: TlsPem;
    try {
      next = readPem(this.files, this.options.label ?? 'tls');
    } catch (error) {
      this.options.onError?.(error as TlsMaterialError);
      return;
    }
    const { pem_: current } = this;
    if (next.ca.equals(current.ca) && next.cert.equals(current.cert) && next.key.equals(current.key)) return;
    this.pem_ = next;
    this.context_ = undefined;
    for (const listener of this.listeners) listener(next);
    this.options.onReload?.(this);
  }

  private watch(intervalMs: number, read: Buffer[]): void {
    if (!this.files || intervalMs <= 0) return;
    const { caFile, certFile, keyFile } = this.files;
    // The poll's timer is unref'd: watching certificates never keeps a process (or a test) alive.
    this.stopPolling = pollFileContents([caFile, certFile, keyFile], intervalMs, this.changed, read);
  }

  private readonly changed = (): void => {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.reload(), SETTLE_MS);
    this.settleTimer.unref();
  };
}

/** Reads and checks the three files. */
function readPem(files: TlsFiles, label: string): TlsPem {
  const names: TlsFiles = {
    caFile: `${label}.caFile ${files.caFile}`,
    certFile: `${label}.certFile ${files.certFile}`,
    keyFile: `${label}.keyFile ${files.keyFile}`,
  };
  const read = (field: keyof TlsFiles): Buffer => {
    try {
      return readFileSync(files[field]);
    } catch (error) {
      throw new TlsMaterialError(`${names[field]}: cannot read it (${(error as Error).message})`);
    }
  };
  const pem = { ca: read('caFile'), cert: read('certFile'), key: read('keyFile') };
  checkPem(pem, names);
  return pem;
}

/** Throws a TlsMaterialError, naming the part, unless the CA and certificate parse and the key matches. */
function checkPem(pem: TlsPem, names: TlsFiles): void {
  const parse = <T>(name: string, what: string, make: () => T): T => {
    try {
      return make();
    } catch (error) {
      throw new TlsMaterialError(`${name}: not ${what} (${(error as Error).message})`);
    }
  };
  parse(names.caFile, 'a PEM CA certificate', () => new X509Certificate(pem.ca));
  const cert = parse(names.certFile, 'a PEM certificate', () => new X509Certificate(pem.cert));
  const key = parse(names.keyFile, 'a PEM private key', () => createPrivateKey(pem.key));
  if (!cert.checkPrivateKey(key))
    throw new TlsMaterialError(`${names.keyFile}: is not the key of ${names.certFile}`);
}
