import { getChannelzHandlers } from '@grpc/grpc-js';
import type { Server } from '@grpc/grpc-js';

type GetServerCall = Parameters<ReturnType<typeof getChannelzHandlers>['GetServer']>[0];

/**
 * The port a grpc-js server listens on, or undefined if it cannot tell. Nest binds the server itself and
 * drops the port grpc-js reports, so for `host:0` the chosen port is read back from channelz (public
 * grpc-js API, on by default): the server's listen sockets are named `host:port`.
 */
export function boundPort(server: Server): number | undefined {
  let port: number | undefined;
  // GetServer reads nothing of the call but its request.
  const call = { request: { server_id: String(server.getChannelzRef().id) } } as GetServerCall;
  // The channelz handlers answer synchronously from in-process state.
  getChannelzHandlers().GetServer(call, (error, response) => {
    const name = error ? undefined : response?.server?.listen_socket?.[0]?.name;
    const match = name ? /:(\d+)$/.exec(name) : null;
    if (match) port = Number(match[1]);
  });
  return port;
}
