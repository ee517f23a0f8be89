import { LoadError, PeerUnavailableError } from './errors';
import { OutlierDetectingPeerClient } from './outlier-detection';
import type { GetResponse, PeerClient } from './protocol';

const call = { deadlineMs: 1_000 };
const request = { group: 'g', key: 'k', ringVersion: '', hops: 0 };
const found: GetResponse = { found: true, value: Buffer.from('v'), expireAtMs: 0, stale: false };

/** A peer whose next answers are scripted: 'ok', 'down' (no answer) or 'error' (an answer that is an error). */
function scriptedPeer() {
  const script: ('ok' | 'down' | 'error')[] = [];
  let calls = 0;
  const answer = async () => {
    calls++;
    const next = script.shift() ?? 'ok';
    if (next === 'down') throw new PeerUnavailableError('b', 'Get', 'no answer within 1000 ms');
    if (next === 'error') throw new LoadError('g', 'k', { cause: new Error('database down') });
    return found;
  };
  const peer = { name: 'b', get: answer, set: answer, close: async () => undefined } as unknown as PeerClient;
  return { peer, script, calls: () => calls };
}

describe('OutlierDetectingPeerClient', () => {
  let now = 1_000;
  const clock = () => now;
  const changes: string[] = [];
  const onChange = (peer: string, state: string) => changes.push(`${peer} ${state}`);

  beforeEach(() => {
    now = 1_000;
    changes.length = 0;
  });

  it('skips a peer after consecutive failures, refusing at once without calling it, until the cooldown', async () => {
    const { peer, script, calls } = scriptedPeer();
    const client = new OutlierDetectingPeerClient(peer, {
      consecutiveFailures: 3,
      cooldownMs: 5_000,
      now: clock,
      onChange,
    });
    script.push('down', 'down', 'down');
    for (let i = 0; i < 3; i++) await expect(client.get(request, call)).rejects.toThrow('no answer within');
    expect(changes).toEqual(['b open']);
    expect(client.skipped).toBe(true);

    now += 4_999;
    await expect(client.get(request, call)).rejects.toThrow(
      'Get on peer b failed: skipped for 1 ms more after 3 failed calls in a row (outlier detection)',
    );
    await expect(client.set({ ...request, value: Buffer.from('x'), ttlMs: 0 }, call)).rejects.toBeInstanceOf(
      PeerUnavailableError,
    );
    expect(calls()).toBe(3);
  });

  it('counts only failures in a row: an answer, even an error answer, resets the count', async () => {
    const { peer, script } = scriptedPeer();
    const client = new OutlierDetectingPeerClient(peer, { consecutiveFailures: 2, now: clock });
    script.push('down', 'error', 'down', 'ok', 'down');
    await expect(client.get(request, call)).rejects.toBeInstanceOf(PeerUnavailableError);
    await expect(client.get(request, call)).rejects.toBeInstanceOf(LoadError);
    await expect(client.get(request, call)).rejects.toBeInstanceOf(PeerUnavailableError);
    await expect(client.get(request, call)).resolves.toEqual(found);
    await expect(client.get(request, call)).rejects.toBeInstanceOf(PeerUnavailableError);
    expect(client.skipped).toBe(false);
  });

  it('after the cooldown lets one probe through: its answer brings the peer back', async () => {
    const { peer, script, calls } = scriptedPeer();
    const client = new OutlierDetectingPeerClient(peer, {
      consecutiveFailures: 1,
      cooldownMs: 1_000,
      now: clock,
      onChange,
    });
    script.push('down');
    await expect(client.get(request, call)).rejects.toBeInstanceOf(PeerUnavailableError);
    now += 1_000;
    const probe = client.get(request, call);
    // While the probe is under way, other calls are still refused.
    await expect(client.get(request, call)).rejects.toThrow('skipped while a probe of it is under way');
    await expect(probe).resolves.toEqual(found);
    await expect(client.get(request, call)).resolves.toEqual(found);
    expect(calls()).toBe(3);
    expect(changes).toEqual(['b open', 'b closed']);
  });

  it('skips twice as long after each failed probe, up to 8 times the cooldown', async () => {
    const { peer, script } = scriptedPeer();
    const client = new OutlierDetectingPeerClient(peer, {
      consecutiveFailures: 1,
      cooldownMs: 1_000,
      now: clock,
    });
    script.push('down');
    await expect(client.get(request, call)).rejects.toBeInstanceOf(PeerUnavailableError);
    for (const cooldown of [2_000, 4_000, 8_000, 8_000]) {
      now += 10_000;
      script.push('down');
      await expect(client.get(request, call)).rejects.toThrow('no answer within');
      now += cooldown - 1;
      await expect(client.get(request, call)).rejects.toThrow('skipped for 1 ms more');
    }
    now += 1;
    await expect(client.get(request, call)).resolves.toEqual(found);
    script.push('down');
    await expect(client.get(request, call)).rejects.toThrow('no answer within');
    now += 999;
    await expect(client.get(request, call)).rejects.toThrow('skipped for 1 ms more');
  });

  it('rejects bad options, naming them', () => {
    const { peer } = scriptedPeer();
    expect(() => new OutlierDetectingPeerClient(peer, { consecutiveFailures: 0 })).toThrow(
      'outlier detection consecutiveFailures must be a positive integer, got 0',
    );
    expect(() => new OutlierDetectingPeerClient(peer, { cooldownMs: 1.5 })).toThrow(
      'outlier detection cooldownMs must be a positive integer, got 1.5',
    );
  });
});
