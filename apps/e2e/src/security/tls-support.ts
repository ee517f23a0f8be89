import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';

import { credentials } from '@grpc/grpc-js';

import type { PeerClient } from '@ringcache/cache-core';
import { GrpcPeerClient } from '@ringcache/peer-grpc';
import type { ClientTlsFiles } from '@ringcache/testing';

/** A certificate a test client presents, or none. */
export interface Presented {
  certFile: string;
  keyFile: string;
}

const read = (file: string) => readFileSync(file);

/**
 * A gRPC peer client that trusts the cluster's CA (so only the server can refuse the handshake),
 * presenting `presented` if given; plaintext when `caFile` is undefined.
 */
export function grpcClient(address: string, caFile?: string, presented?: Presented): GrpcPeerClient {
  const channel =
    caFile === undefined
      ? credentials.createInsecure()
      : presented
        ? credentials.createSsl(read(caFile), read(presented.keyFile), read(presented.certFile))
        : credentials.createSsl(read(caFile));
  return new GrpcPeerClient({ name: 'probe', address, credentials: channel });
}

/** A Set of `key` through a peer client: `ok`, or the error's message. */
export async function trySet(client: PeerClient, key: string): Promise<string> {
  const value = new TextEncoder().encode('v');
  try {
    await client.set(
      { group: 'scores', key, value, ttlMs: 0, ringVersion: '', hops: 1 },
      { deadlineMs: 3_000 },
    );
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.close?.();
  }
}

/** A PUT of `key` to a node's HTTPS peer port, presenting `presented` (or no certificate): "HTTP <status>" or the error. */
export function httpsSet(port: number, key: string, caFile: string, presented?: Presented): Promise<string> {
  return httpsStatus(port, 'PUT', `/_ringcache/scores/${key}`, caFile, presented);
}

/**
 * A request on a connection of its own, presenting `presented` (or no certificate): "HTTP <status>" (101
 * for an upgrade taken) or the error.
 */
export function httpsStatus(
  port: number,
  method: string,
  path: string,
  caFile: string,
  presented?: Presented,
  headers: Record<string, string> = {},
): Promise<string> {
  const cert = presented && { cert: read(presented.certFile), key: read(presented.keyFile) };
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: read(caFile),
        ...cert,
        // A connection of its own: no TLS session of an earlier request is resumed.
        agent: false,
        headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(`HTTP ${res.statusCode}`));
      },
    );
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.setTimeout(5_000, () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', (error) => resolve(error.message));
    if (method === 'PUT') req.setHeader('content-type', 'application/octet-stream');
    req.end(method === 'PUT' ? 'v' : undefined);
  });
}

/** The serial of the certificate a TLS server presents on `port` now, read with a fresh connection. */
export function servedSerial(port: number, tls: ClientTlsFiles, alpn?: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: read(tls.caFile),
      cert: read(tls.certFile),
      key: read(tls.keyFile),
      ALPNProtocols: alpn,
      servername: 'localhost',
    });
    socket.once('secureConnect', () => {
      // Written as TestCa tells it: upper-case hex, no leading zero.
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}
