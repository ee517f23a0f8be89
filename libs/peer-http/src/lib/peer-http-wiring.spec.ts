import { Global, Module } from '@nestjs/common';
import { NestFactory, type HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastify } from 'fastify';

import { PEER_HANDLER, UnimplementedError } from '@ringcache/cache-core';

import { FAKE_KEYS, FakePeerHandler } from '../testing/fake-peer-handler';
import { listen, startPeerApp } from '../testing/start-peer-app';
import { PeerHttpController } from './peer-http.controller';
import { PeerHttpModule } from './peer-http.module';
import { registerPeerHttpRoutes } from './peer-http-routes';

describe('PeerHttpModule wiring', () => {
  it("without peerHttpFrameworkErrors, a bad URL still gets Fastify's 400 JSON and the server stays up", async () => {
    const peer = await startPeerApp(new FakePeerHandler(), { frameworkErrors: false });
    try {
      const res = await fetch(`${peer.baseUrl}/_ringcache/scores/%ZZ`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'FST_ERR_BAD_URL' });
      expect((await fetch(`${peer.baseUrl}/_ringcache/scores/x`)).status).toBe(404);
    } finally {
      await peer.close();
    }
  });

  it('works as a plain import when PEER_HANDLER comes from a global module', async () => {
    const handler = new FakePeerHandler();
    handler.put('scores', 'Tom', '630');
    @Global()
    @Module({ providers: [{ provide: PEER_HANDLER, useValue: handler }], exports: [PEER_HANDLER] })
    class GlobalHandlerModule {}
    @Module({ imports: [GlobalHandlerModule, PeerHttpModule] })
    class AppModule {}
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
      logger: false,
    });
    const peer = await listen(app);
    try {
      expect(await (await fetch(`${peer.baseUrl}/_ringcache/scores/Tom`)).text()).toBe('630');
    } finally {
      await peer.close();
    }
  });

  it('fails at startup on an app that is not on Fastify', () => {
    const host = { httpAdapter: { getType: () => 'express' } } as unknown as HttpAdapterHost;
    const controller = new PeerHttpController(new FakePeerHandler(), host, null);
    expect(() => controller.onModuleInit()).toThrow(/needs a Nest HTTP app on Fastify .*got express/);
  });
});

describe('registerPeerHttpRoutes on a bare Fastify instance', () => {
  it('serves the protocol and reports internal errors to onInternalError', async () => {
    const app = fastify();
    const reported: unknown[] = [];
    const handler = new FakePeerHandler();
    handler.set = () => Promise.reject(new UnimplementedError('Set'));
    registerPeerHttpRoutes(app, handler, { onInternalError: (error) => reported.push(error) });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${base}/_ringcache/scores/${FAKE_KEYS.bug}`)).status).toBe(500);
      expect(reported).toEqual([new TypeError('secret internal detail')]);
      const put = await fetch(`${base}/_ringcache/scores/k`, { method: 'PUT' });
      expect(put.status).toBe(501);
      expect(reported).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('refuses a maxBodyBytes that is not a positive integer', () => {
    expect(() => registerPeerHttpRoutes(fastify(), new FakePeerHandler(), { maxBodyBytes: 0 })).toThrow(
      'peer-http option maxBodyBytes must be a positive integer, got 0',
    );
  });
});
