import type { DataSource } from 'typeorm';

import { ScratchMysql, TcpProxy } from '@ringcache/testing';

import { createDataSource } from './create-data-source';
import { DatabaseProbe } from './database-probe';

describe('DatabaseProbe', () => {
  const opened: DataSource[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => (d.isInitialized ? d.destroy() : undefined)));
  });

  it('answers while SQLite is open, and says why not once it is closed', async () => {
    const dataSource = await createDataSource({ sqlitePath: ':memory:' });
    opened.push(dataSource);
    const probe = new DatabaseProbe(dataSource);
    expect(probe.label).toBe('sqlite :memory:');
    await expect(probe.ping()).resolves.toBeUndefined();
    await dataSource.destroy();
    await expect(probe.ping()).rejects.toThrow('sqlite :memory:: not connected');
  });

  describe('on MariaDB', () => {
    let mysql: ScratchMysql;
    let proxy: TcpProxy;

    beforeAll(async () => {
      mysql = await ScratchMysql.create();
      proxy = await TcpProxy.start(mysql.host, mysql.port);
    });

    afterAll(async () => {
      await proxy?.stop();
      await mysql?.drop();
    });

    it('fails while the database is away, shares one query between concurrent probes, and answers again after', async () => {
      const dataSource = await createDataSource({
        mysqlUrl: mysql.url.replace(`:${mysql.port}/`, `:${proxy.port}/`),
        connectTimeoutMs: 500,
      });
      opened.push(dataSource);
      const probe = new DatabaseProbe(dataSource);
      await expect(probe.ping()).resolves.toBeUndefined();
      await proxy.stop();
      const first = probe.ping();
      expect(probe.ping()).toBe(first);
      await expect(first).rejects.toThrow(/^mysql 127\.0\.0\.1:\d+\/\w+: /);
      await proxy.restart();
      await expect(probe.ping()).resolves.toBeUndefined();
    });
  });
});
