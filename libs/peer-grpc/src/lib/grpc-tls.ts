import { experimental, type ChannelCredentials, type ServerCredentials } from '@grpc/grpc-js';

import type { TlsMaterial, TlsPem } from '@ringcache/tls';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * grpc-js's certificate provider over a TlsMaterial: grpc-js asks it for the CA and the identity, and is
 * told of every rotation, so servers and channels follow the same files as the https side.
 */
class MaterialCertificateProvider implements experimental.CertificateProvider {
  private readonly subscriptions = new Map<CaListener | IdentityListener, () => void>();

  constructor(private readonly material: TlsMaterial) {}

  addCaCertificateListener(listener: CaListener): void {
    this.subscribe(listener, (pem) => listener({ caCertificate: pem.ca }));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.unsubscribe(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.subscribe(listener, (pem) => listener({ certificate: pem.cert, privateKey: pem.key }));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.unsubscribe(listener);
  }

  private subscribe(listener: CaListener | IdentityListener, push: (pem: TlsPem) => void): void {
    this.subscriptions.set(listener, this.material.onChange(push));
    // grpc-js registers its watcher on the credentials only after adding these listeners: the current
    // material must come a tick later, as grpc-js's own FileWatcherCertificateProvider sends it.
    process.nextTick(() => {
      if (this.subscriptions.has(listener)) push(this.material.pem);
    });
  }

  private unsubscribe(listener: CaListener | IdentityListener): void {
    this.subscriptions.get(listener)?.();
    this.subscriptions.delete(listener);
  }
}

/**
 * Server credentials for mutual TLS: the server presents the material's certificate and accepts only
 * clients presenting one from its CA; rotations apply to the handshakes that follow.
 */
export function grpcServerCredentials(material: TlsMaterial): ServerCredentials {
  const provider = new MaterialCertificateProvider(material);
  return experimental.createCertificateProviderServerCredentials(provider, provider, true);
}

/**
 * Channel credentials for mutual TLS: the channel trusts only the material's CA and presents its
 * certificate; connections made after a rotation use the new one. Share one per process: every channel
 * built with it follows the same material.
 */
export function grpcChannelCredentials(material: TlsMaterial): ChannelCredentials {
  const provider = new MaterialCertificateProvider(material);
  return experimental.createCertificateProviderChannelCredentials(provider, provider);
}
