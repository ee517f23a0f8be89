export {
  CACHE_SERVICE_NAME,
  LOADER_OPTIONS,
  loadRingcacheProto,
  PROTO_PACKAGE,
  PROTO_PATH,
} from './lib/ringcache-proto';
export type { ProtoGrpcType } from './generated/ringcache';
export type { CacheClient, CacheDefinition, CacheHandlers } from './generated/ringcache/v1/Cache';
export type { DeleteRequest, DeleteRequest__Output } from './generated/ringcache/v1/DeleteRequest';
export type { DeleteResponse, DeleteResponse__Output } from './generated/ringcache/v1/DeleteResponse';
export type { GetManyRequest, GetManyRequest__Output } from './generated/ringcache/v1/GetManyRequest';
export type { GetManyResponse, GetManyResponse__Output } from './generated/ringcache/v1/GetManyResponse';
export type { GetRequest, GetRequest__Output } from './generated/ringcache/v1/GetRequest';
export type { CallRequest, CallRequest__Output } from './generated/ringcache/v1/CallRequest';
export type { CallResponse, CallResponse__Output } from './generated/ringcache/v1/CallResponse';
export type { GetResponse, GetResponse__Output } from './generated/ringcache/v1/GetResponse';
export type { SetRequest, SetRequest__Output } from './generated/ringcache/v1/SetRequest';
export type { SetResponse, SetResponse__Output } from './generated/ringcache/v1/SetResponse';
export type { SetEntry, SetEntry__Output } from './generated/ringcache/v1/SetEntry';
export type { SetManyRequest, SetManyRequest__Output } from './generated/ringcache/v1/SetManyRequest';
export type { SetManyResponse, SetManyResponse__Output } from './generated/ringcache/v1/SetManyResponse';
export type {
  DeleteManyRequest,
  DeleteManyRequest__Output,
} from './generated/ringcache/v1/DeleteManyRequest';
export type {
  DeleteManyResponse,
  DeleteManyResponse__Output,
} from './generated/ringcache/v1/DeleteManyResponse';
export type { ExpiredKey, ExpiredKey__Output } from './generated/ringcache/v1/ExpiredKey';
export type { ExpireRequest, ExpireRequest__Output } from './generated/ringcache/v1/ExpireRequest';
export type { ExpireResponse, ExpireResponse__Output } from './generated/ringcache/v1/ExpireResponse';
export type { FlushRequest, FlushRequest__Output } from './generated/ringcache/v1/FlushRequest';
export type { FlushResponse, FlushResponse__Output } from './generated/ringcache/v1/FlushResponse';
export type { StatsRequest, StatsRequest__Output } from './generated/ringcache/v1/StatsRequest';
export type { StatsResponse, StatsResponse__Output } from './generated/ringcache/v1/StatsResponse';
export type { HotKeysRequest, HotKeysRequest__Output } from './generated/ringcache/v1/HotKeysRequest';
export type { HotKeysResponse, HotKeysResponse__Output } from './generated/ringcache/v1/HotKeysResponse';
export type { HotKey, HotKey__Output } from './generated/ringcache/v1/HotKey';
