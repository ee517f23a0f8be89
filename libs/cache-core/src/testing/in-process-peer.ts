import { PeerUnavailableError } from '../lib/errors';
import type { PeerService } from '../lib/peer-service';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteManyResponse,
  DeleteRequest,
  DeleteResponse,
  ExpireRequest,
  ExpireResponse,
  FlushRequest,
  FlushResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  PeerClient,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from '../lib/protocol';

/**
 * A peer client that calls another node's PeerService in the same process — a cluster without sockets,
 * for specs. `down = true` makes it fail as an unreachable peer; `calls` records what was sent, with the
 * call's options. The options' request id reaches the service in the request, as the transports carry it.
 */
export class InProcessPeer implements PeerClient {
  down = false;
  calls: { op: string; request: unknown; options?: CallOptions }[] = [];

  constructor(
    readonly name: string,
    private readonly service: () => PeerService,
  ) {}

  /** The Get requests sent so far. */
  get gets(): GetRequest[] {
    return this.calls.filter((c) => c.op === 'get').map((c) => c.request as GetRequest);
  }

  get(request: GetRequest, options?: CallOptions): Promise<GetResponse> {
    return this.call('get', request, options, () => this.service().get(withId(request, options)));
  }

  getMany(request: GetManyRequest, options?: CallOptions): Promise<GetManyResponse> {
    return this.call('getMany', request, options, () => this.service().getMany(withId(request, options)));
  }

  set(request: SetRequest, options?: CallOptions): Promise<SetResponse> {
    return this.call('set', request, options, () => this.service().set(withId(request, options)));
  }

  setMany(request: SetManyRequest, options?: CallOptions): Promise<SetManyResponse> {
    return this.call('setMany', request, options, () => this.service().setMany(withId(request, options)));
  }

  deleteMany(request: DeleteManyRequest, options?: CallOptions): Promise<DeleteManyResponse> {
    return this.call('deleteMany', request, options, () =>
      this.service().deleteMany(withId(request, options)),
    );
  }

  delete(request: DeleteRequest, options?: CallOptions): Promise<DeleteResponse> {
    return this.call('delete', request, options, () => this.service().delete(withId(request, options)));
  }

  flush(request: FlushRequest, options?: CallOptions): Promise<FlushResponse> {
    return this.call('flush', request, options, () => this.service().flush(request));
  }

  expire(request: ExpireRequest, options?: CallOptions): Promise<ExpireResponse> {
    return this.call('expire', request, options, () => this.service().expire(request));
  }

  async close(): Promise<void> {
    this.down = true;
  }

  private async call<T>(
    op: string,
    request: unknown,
    options: CallOptions | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    this.calls.push({ op, request, options });
    if (this.down) throw new PeerUnavailableError(this.name, op, 'connection refused');
    return run();
  }
}

/** The request as the receiving node decodes it: with the call's request id, when it has one. */
function withId<T extends object>(request: T, options: CallOptions | undefined): T {
  return options?.requestId === undefined ? request : { ...request, requestId: options.requestId };
}
