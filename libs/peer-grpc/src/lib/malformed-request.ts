import type { AnyDefinition, PackageDefinition, ServiceDefinition } from '@grpc/proto-loader';

import { InvalidArgumentError } from '@ringcache/cache-core';
import { CACHE_SERVICE_NAME } from '@ringcache/proto';

/** Marks a request whose bytes could not be decoded; holds the decoder's complaint. */
const MALFORMED = Symbol('ringcache:malformed-request');

interface Malformed {
  [MALFORMED]: string;
}

/**
 * Makes undecodable request bytes reach the controller instead of failing inside grpc-js, which would
 * answer INTERNAL: a malformed request is the caller's fault and must come back INVALID_ARGUMENT, like any
 * other bad input. Mutates the Cache service's method definitions in `definition` before the server uses them.
 */
export function tolerateMalformedRequests(definition: PackageDefinition): void {
  const service = definition[CACHE_SERVICE_NAME];
  if (!service || !isServiceDefinition(service))
    throw new Error(`${CACHE_SERVICE_NAME} is not in the package definition`);
  for (const method of Object.values(service)) {
    const decode = method.requestDeserialize;
    method.requestDeserialize = (bytes: Buffer) => {
      try {
        return decode(bytes);
      } catch (error) {
        return { [MALFORMED]: error instanceof Error ? error.message : String(error) } satisfies Malformed;
      }
    };
  }
}

/** Throws InvalidArgumentError when `message` stands for bytes that could not be decoded. */
export function assertDecoded<T extends object>(message: T, messageName: string): T {
  const problem = (message as Partial<Malformed>)[MALFORMED];
  if (problem !== undefined) throw new InvalidArgumentError(`malformed ${messageName}: ${problem}`);
  return message;
}

function isServiceDefinition(definition: AnyDefinition): definition is ServiceDefinition {
  return !('format' in definition && typeof definition.format === 'string');
}
