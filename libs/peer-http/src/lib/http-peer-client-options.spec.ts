import { HttpPeerClient } from './http-peer-client';

describe('HttpPeerClient options', () => {
  it.each(['127.0.0.1:8101', 'node-a.local:1', '[::1]:8101'])('accepts the address %s', async (address) => {
    const client = new HttpPeerClient({ name: 'a', address });
    await expect(client.close()).resolves.toBeUndefined();
  });

  it.each(['127.0.0.1', ':8101', '127.0.0.1:0', '127.0.0.1:65536', '::1:8101', 'http://a:1', ''])(
    'refuses the address %j, naming the option',
    (address) => {
      expect(() => new HttpPeerClient({ name: 'a', address })).toThrow(
        `HttpPeerClient option address must be host:port, got ${JSON.stringify(address)}`,
      );
    },
  );

  it('refuses an empty name and a maxSockets that is not a positive integer', () => {
    expect(() => new HttpPeerClient({ name: '', address: 'a:1' })).toThrow(/option name/);
    expect(() => new HttpPeerClient({ name: 'a', address: 'a:1', maxSockets: 0 })).toThrow(
      'HttpPeerClient option maxSockets must be a positive integer, got 0',
    );
  });
});
