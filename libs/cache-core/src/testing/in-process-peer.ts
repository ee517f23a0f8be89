import { PeerUnavailableError } from '../lib/errors';
import type { PeerService } from '../lib/peer-service';
import type {
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
  SetRequest,
  SetResponse,
} from '../lib/protocol';

/**
 * A peer client that calls another node's PeerService in the same process — a cluster without sockets,
 * for specs. `down = true` makes it fail as an unreachable peer; `calls` records what was sent.
 */
export class InProcessPeer implements PeerClient {
  down = false;
  calls: { op: string; request: unknown }[] = [];

  constructor(
    readonly name: string,
    private readonly service: () => PeerService,
  ) {}

  /** The Get requests sent so far. */
  get gets(): GetRequest[] {
    return this.calls.filter((c) => c.op === 'get').map((c) => c.request as GetRequest);
  }

  get(request: GetRequest): Promise<GetResponse> {
    return this.call('get', request, () => this.service().get(request));
  }

  getMany(request: GetManyRequest): Promise<GetManyResponse> {
    return this.call('getMany', request, () => this.service().getMany(request));
  }

  set(request: SetRequest): Promise<SetResponse> {
    return this.call('set', request, () => this.service().set(request));
  }

  delete(request: DeleteRequest): Promise<DeleteResponse> {
    return this.call('delete', request, () => this.service().delete(request));
  }

  flush(request: FlushRequest): Promise<FlushResponse> {
    return this.call('flush', request, () => this.service().flush(request));
  }

  expire(request: ExpireRequest): Promise<ExpireResponse> {
    return this.call('expire', request, () => this.service().expire(request));
  }

  async close(): Promise<void> {
    this.down = true;
  }

  private async call<T>(op: string, request: unknown, run: () => Promise<T>): Promise<T> {
    this.calls.push({ op, request });
    if (this.down) throw new PeerUnavailableError(this.name, op, 'connection refused');
    return run();
  }
}
