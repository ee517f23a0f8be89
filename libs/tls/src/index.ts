export { TlsMaterial, TlsMaterialError } from './lib/tls-material';
export type { TlsFiles, TlsMaterialOptions, TlsPem } from './lib/tls-material';
export { clientVerified, followRotation, MutualTlsAgent, mutualTlsServerOptions } from './lib/https-tls';
export { pollFileContents } from './lib/file-poll';
