/**
 * Largest gRPC message, in bytes, that peers send and accept unless told otherwise: 16 MiB. Values of a few
 * MiB fit, and so do GetMany answers carrying several of them; grpc's own 4 MiB receive limit would refuse a
 * single large value. Client and server use the same default so neither refuses what the other may send.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
