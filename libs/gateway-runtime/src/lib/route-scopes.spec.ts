import { routeNeed } from './route-scopes';

describe('routeNeed: the scope table', () => {
  it.each([
    ['GET', '/healthz', 'open'],
    ['GET', '/readyz', 'open'],
    ['GET', '/metrics', 'open'],
    ['HEAD', '/healthz', 'open'],
    ['GET', '/dashboard', 'open'],
    ['GET', '/dashboard/dashboard.js', 'open'],
    ['GET', '/dashboard/uplot.css?v=1', 'open'],
    ['GET', '/api/v1/groups/scores/keys/Tom', 'read'],
    ['HEAD', '/api/v1/groups/scores/keys/Tom', 'read'],
    ['GET', '/api/v1/groups/scores/keys/a%2Fb?x=1', 'read'],
    ['GET', '/api/v1/groups/scores/keys', 'read'],
    ['GET', '/api?group=scores&key=Tom', 'read'],
    ['POST', '/api/v1/groups/scores/keys:batchGet', 'read'],
    ['PUT', '/api/v1/groups/scores/keys/Tom?ttl=30s', 'write'],
    ['DELETE', '/api/v1/groups/scores/keys/Tom', 'write'],
    ['POST', '/api/v1/groups/scores/keys:batchSet', 'write'],
    ['POST', '/api/v1/groups/scores/keys:batchDelete', 'write'],
    ['DELETE', '/api/v1/groups/scores', 'admin'],
    ['GET', '/api/v1/groups', 'admin'],
    ['GET', '/api/v1/groups/scores/hot?limit=5', 'admin'],
    ['GET', '/api/v1/cluster', 'admin'],
    ['GET', '/api/v1/dashboard', 'admin'],
    ['GET', '/api/v1/events', 'admin'],
    ['GET', '/docs', 'admin'],
    ['GET', '/docs-json', 'admin'],
    ['GET', '/no-such-route', 'admin'],
  ])('%s %s needs %s', (method, url, need) => {
    expect(routeNeed(method, url)).toBe(need);
  });

  it.each([
    // Other methods on a key or a batch are not reads or writes.
    ['POST', '/api/v1/groups/scores/keys/Tom'],
    ['PATCH', '/api/v1/groups/scores/keys/Tom'],
    ['GET', '/api/v1/groups/scores/keys:batchGet'],
    ['PUT', '/api/v1/groups/scores/keys:batchSet'],
    // Spellings the table does not know fall to the strictest scope.
    ['GET', '/api/v1/groups/scores/keys/Tom/'],
    ['GET', '/api/v1/groups/scores/keys/a/../../hot'],
    ['POST', '/api/v1/groups/scores/keys:batchGetX'],
    ['POST', '/healthz'],
    ['GET', '/healthz/'],
    ['GET', 'http://host/api/v1/groups/scores/keys/Tom'],
    ['POST', '/dashboard'],
    ['GET', '/dashboard/'],
    ['GET', '/dashboard/../api/v1/groups'],
    ['GET', '/dashboard/a/b.js'],
  ])('%s %s needs admin', (method, url) => {
    expect(routeNeed(method, url)).toBe('admin');
  });
});
