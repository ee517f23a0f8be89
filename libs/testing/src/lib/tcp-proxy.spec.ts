import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

import { eventually, sleep } from './http';
import { freePort } from './ports';
import { TcpProxy } from './tcp-proxy';

/** Sends `text` on `socket` and resolves with what comes back within `ms` (empty when nothing does). */
async function roundTrip(socket: Socket, text: string, ms = 2_000): Promise<string> {
  let received = '';
  const onData = (chunk: Buffer) => (received += chunk.toString());
  socket.on('data', onData);
  socket.write(text);
  const started = Date.now();
  while (received.length < text.length && Date.now() - started < ms) await sleep(10);
  socket.off('data', onData);
  return received;
}

async function open(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = connect({ host, port });
  await once(socket, 'connect');
  return socket;
}

describe('TcpProxy', () => {
  let echo: Server;
  let echoPort: number;
  let proxy: TcpProxy;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => undefined); // reset by the proxy's stop()
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy?.stop();
  });
  afterAll(() => new Promise((resolve) => echo.close(resolve)));

  it('relays both ways and counts the connections it accepts', async () => {
    proxy = await TcpProxy.start(`127.0.0.1:${echoPort}`);
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.port).not.toBe(echoPort);
    const a = await open(proxy.port);
    const b = await open(proxy.port);
    sockets.push(a, b);
    expect(await roundTrip(a, 'ping')).toBe('ping');
    expect(await roundTrip(b, 'pong')).toBe('pong');
    expect(proxy.connections).toBe(2);
  });

  it('swallows bytes while blackholed and passes them again after forward()', async () => {
    proxy = await TcpProxy.start('127.0.0.1', echoPort);
    const socket = await open(proxy.port);
    sockets.push(socket);
    proxy.blackhole();
    expect(await roundTrip(socket, 'lost', 200)).toBe('');
    proxy.forward();
    expect(await roundTrip(socket, 'back')).toBe('back');
  });

  it('holds bytes while blackholed in hold mode and delivers them in order after forward(), new connections too', async () => {
    proxy = await TcpProxy.start('127.0.0.1', echoPort);
    const before = await open(proxy.port);
    sockets.push(before);
    proxy.blackhole('hold');
    const during = await open(proxy.port);
    sockets.push(during);
    const echoed = { before: '', during: '' };
    before.on('data', (chunk: Buffer) => (echoed.before += chunk.toString()));
    during.on('data', (chunk: Buffer) => (echoed.during += chunk.toString()));
    before.write('one ');
    before.write('two');
    during.write('held');
    await sleep(200);
    expect(echoed).toEqual({ before: '', during: '' });
    proxy.forward();
    await eventually('the held bytes echoed', () =>
      expect(echoed).toEqual({ before: 'one two', during: 'held' }),
    );
  });

  it('listens on another loopback address, on the port asked for', async () => {
    const port = await freePort();
    proxy = await TcpProxy.start(`127.0.0.1:${echoPort}`, { host: '127.0.0.2', port });
    expect(proxy.address).toBe(`127.0.0.2:${port}`);
    const socket = await open(port, '127.0.0.2');
    sockets.push(socket);
    expect(await roundTrip(socket, 'there')).toBe('there');
  });

  it('resets open connections and refuses new ones when stopped, and listens on the same port after restart()', async () => {
    proxy = await TcpProxy.start('127.0.0.1', echoPort);
    const port = proxy.port;
    const socket = await open(port);
    sockets.push(socket);
    const reset = new Promise((resolve) => socket.once('error', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await proxy.stop();
    expect(await reset).toMatchObject({ code: 'ECONNRESET' });
    await closed;
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.restart();
    expect(proxy.port).toBe(port);
    const again = await open(port);
    sockets.push(again);
    expect(await roundTrip(again, 'again')).toBe('again');
    expect(proxy.connections).toBe(2);
  });

  it('refuses a target that is not host:port', async () => {
    await expect(TcpProxy.start('127.0.0.1')).rejects.toThrow(
      'TcpProxy target must be host:port, got "127.0.0.1"',
    );
  });
});
