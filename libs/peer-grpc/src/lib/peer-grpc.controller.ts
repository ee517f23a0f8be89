import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { PEER_HANDLER } from '@ringcache/cache-core';
import type { PeerHandler } from '@ringcache/cache-core';

import { assertDecoded } from './malformed-request';
import {
  deleteRequestFromMessage,
  deleteResponseToMessage,
  expireRequestFromMessage,
  expireResponseToMessage,
  flushRequestFromMessage,
  flushResponseToMessage,
  getManyRequestFromMessage,
  getManyResponseToMessage,
  getRequestFromMessage,
  getResponseToMessage,
  setRequestFromMessage,
  setResponseToMessage,
} from './messages';
import { PeerGrpcErrorFilter } from './peer-grpc-error.filter';
import { requestIdFrom } from './request-id-metadata';
import type * as pb from '@ringcache/proto';

/**
 * The gRPC codec of the peer protocol: decodes each `ringcache.v1.Cache` call, hands it to the app's
 * PeerHandler (cache-core's PeerService, which owns validation, limits and hop rules), and encodes the
 * answer. Errors become gRPC statuses in PeerGrpcErrorFilter. The request id comes from the call's
 * `x-request-id` metadata (see requestIdFrom).
 */
@Controller()
@UseFilters(new PeerGrpcErrorFilter())
export class PeerGrpcController {
  constructor(@Inject(PEER_HANDLER) private readonly handler: PeerHandler) {}

  @GrpcMethod('Cache', 'Get')
  async get(message: pb.GetRequest__Output, metadata: Metadata): Promise<pb.GetResponse> {
    const request = getRequestFromMessage(assertDecoded(message, 'GetRequest'), requestIdFrom(metadata));
    return getResponseToMessage(await this.handler.get(request));
  }

  @GrpcMethod('Cache', 'GetMany')
  async getMany(message: pb.GetManyRequest__Output, metadata: Metadata): Promise<pb.GetManyResponse> {
    const request = getManyRequestFromMessage(
      assertDecoded(message, 'GetManyRequest'),
      requestIdFrom(metadata),
    );
    return getManyResponseToMessage(await this.handler.getMany(request));
  }

  @GrpcMethod('Cache', 'Set')
  async set(message: pb.SetRequest__Output, metadata: Metadata): Promise<pb.SetResponse> {
    const request = setRequestFromMessage(assertDecoded(message, 'SetRequest'), requestIdFrom(metadata));
    return setResponseToMessage(await this.handler.set(request));
  }

  @GrpcMethod('Cache', 'Delete')
  async delete(message: pb.DeleteRequest__Output, metadata: Metadata): Promise<pb.DeleteResponse> {
    const request = deleteRequestFromMessage(
      assertDecoded(message, 'DeleteRequest'),
      requestIdFrom(metadata),
    );
    return deleteResponseToMessage(await this.handler.delete(request));
  }

  @GrpcMethod('Cache', 'Flush')
  async flush(message: pb.FlushRequest__Output): Promise<pb.FlushResponse> {
    const request = flushRequestFromMessage(assertDecoded(message, 'FlushRequest'));
    return flushResponseToMessage(await this.handler.flush(request));
  }

  @GrpcMethod('Cache', 'Expire')
  async expire(message: pb.ExpireRequest__Output): Promise<pb.ExpireResponse> {
    const request = expireRequestFromMessage(assertDecoded(message, 'ExpireRequest'));
    return expireResponseToMessage(await this.handler.expire(request));
  }
}
