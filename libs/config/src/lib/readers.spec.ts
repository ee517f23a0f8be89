import { Invalid, bool, etcdEndpoint, hostPort, integer, mysqlUrl, staticNodes, text } from './readers';

/** The problems a reader reports for `raw`, or "ok". */
function problems<T>(read: (raw: unknown) => T, raw: unknown): unknown {
  try {
    read(raw);
    return 'ok';
  } catch (error) {
    if (error instanceof Invalid) return error.problems;
    throw error;
  }
}

describe('readers', () => {
  it('text refuses numbers, which YAML may have mangled', () => {
    expect(text('0123')).toBe('0123');
    expect(problems(text, 123)).toEqual([
      { at: '', message: 'must be a string (quote it in YAML)', value: 123 },
    ]);
  });

  it('integer accepts numbers and their text, in range', () => {
    const port = integer(0, 65535);
    expect([port(0), port('8001'), port(' 65535 ')]).toEqual([0, 8001, 65535]);
    for (const bad of [-1, 65536, 1.5, '1e3', '', 'abc', true, null])
      expect(problems(port, bad)).not.toBe('ok');
    expect(problems(integer(1), 0)).toEqual([{ at: '', message: 'must be an integer >= 1', value: 0 }]);
  });

  it('bool accepts true/false and 1/0, as values or text', () => {
    expect([true, 'true', 'TRUE', '1', 1].map(bool)).toEqual([true, true, true, true, true]);
    expect([false, 'false', '0', 0].map(bool)).toEqual([false, false, false, false]);
    for (const bad of ['yes', 'no', '', 2, null]) expect(problems(bool, bad)).not.toBe('ok');
  });

  it('hostPort accepts names, IPv4 and bracketed IPv6 with a dialable port', () => {
    for (const good of ['127.0.0.1:8001', 'cache-1.internal:1', '[::1]:65535', '[fe80::1%eth0]:80']) {
      expect(hostPort(good)).toBe(good);
    }
    for (const bad of ['127.0.0.1', ':8001', 'h:0', 'h:65536', '::1:80', 'http://h:1', 'h :1', 1]) {
      expect(problems(hostPort, bad)).not.toBe('ok');
    }
  });

  it('etcdEndpoint wants http(s)://host:port and nothing more', () => {
    expect(etcdEndpoint('http://127.0.0.1:2379')).toBe('http://127.0.0.1:2379');
    expect(etcdEndpoint('https://etcd-1:2379/')).toBe('https://etcd-1:2379');
    expect(etcdEndpoint('http://[::1]:2379')).toBe('http://[::1]:2379');
    for (const bad of [
      '127.0.0.1:2379',
      'http://etcd',
      'grpc://h:1',
      'http://h:1/v3',
      'http://u:p@h:1',
      'http://h:0',
    ]) {
      expect(problems(etcdEndpoint, bad)).not.toBe('ok');
    }
  });

  it('mysqlUrl wants mysql:// or mariadb:// with a host, or nothing', () => {
    for (const good of ['', 'mysql://root@127.0.0.1:3306/test', 'mariadb://u:p@db/app', 'mysql://db']) {
      expect(mysqlUrl(good)).toBe(good);
    }
    for (const bad of ['postgres://db/app', 'mysql:///app', 'mysql:db', 'db:3306']) {
      expect(problems(mysqlUrl, bad)).not.toBe('ok');
    }
  });

  it('staticNodes reads { name, grpc, http } entries', () => {
    const nodes = [{ name: 'a', grpc: 'h:1', http: 'h:2' }];
    expect(staticNodes(nodes)).toEqual(nodes);
    expect(staticNodes([])).toEqual([]);
    expect(problems(staticNodes, { a: 1 })).toEqual([
      { at: '', message: 'must be a list of { name, grpc, http }', value: { a: 1 } },
    ]);
  });
});
