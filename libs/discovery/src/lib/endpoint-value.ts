import type { Member } from '@ringcache/cache-core';

/**
 * A registration's value, in etcd's naming/endpoints shape (`{"Addr": "host:port", "Metadata": {...}}`),
 * so a Go gRPC client with etcd's resolver could find the nodes too. `Addr` is the gRPC address;
 * Metadata carries the node name, both addresses and the version.
 */
export interface EndpointValue {
  Addr: string;
  Metadata: {
    nodeName: string;
    grpc: string;
    http: string;
    version: string;
    [key: string]: string;
  };
}

const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/;
const NODE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The JSON value a node registers. */
export function encodeEndpoint(member: Member, version: string): string {
  const value: EndpointValue = {
    Addr: member.grpcAddress,
    Metadata: {
      ...member.metadata,
      nodeName: member.name,
      grpc: member.grpcAddress,
      http: member.httpAddress,
      version,
    },
  };
  return JSON.stringify(value);
}

/**
 * The member a registration value describes. Throws, with what is wrong, on anything that is not a valid
 * registration — a value written by someone else must never reach the ring.
 */
export function decodeEndpoint(text: string): Member {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const record = value as Partial<EndpointValue> | null;
  const metadata = record?.Metadata;
  if (typeof record !== 'object' || record === null || typeof metadata !== 'object' || metadata === null) {
    throw new Error('not an endpoint value {"Addr", "Metadata"}');
  }
  const { nodeName, grpc, http } = metadata;
  if (typeof nodeName !== 'string' || !NODE_NAME.test(nodeName))
    throw new Error(`bad Metadata.nodeName ${JSON.stringify(nodeName)}`);
  for (const [field, address] of [
    ['Metadata.grpc', grpc],
    ['Metadata.http', http],
  ] as const) {
    if (typeof address !== 'string' || !ADDRESS.test(address))
      throw new Error(`bad ${field} ${JSON.stringify(address)}`);
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata))
    if (typeof v === 'string' && !['nodeName', 'grpc', 'http'].includes(k)) extra[k] = v;
  return { name: nodeName, grpcAddress: grpc, httpAddress: http, metadata: extra };
}
