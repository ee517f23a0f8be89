'use strict';
// The calls every consumer script of the installed package makes, on each cluster target it is given: the
// scripts differ in how they load the package (ESM, CommonJS, NestJS), not in what they ask of it.
const assert = require('node:assert/strict');

/** Where to find the cluster: `RINGCACHE_TARGETS`, a JSON list of `{ label, options }` (client options). */
function targets() {
  return JSON.parse(process.env.RINGCACHE_TARGETS ?? '[]');
}

/** get, set, getMany, delete and an unknown group on `client`; `UnknownGroupError` as the script loaded it. */
async function scenario(client, UnknownGroupError, label) {
  await client.ready(10_000);
  assert.equal((await client.get('scores', 'Tom'))?.toString(), '630');
  const key = `${label}-${process.pid}`;
  const { expireAtMs } = await client.set('scores', key, 'hello', { ttl: '30s' });
  assert.ok(expireAtMs > Date.now(), `expiry ${expireAtMs} is in the future`);
  assert.equal((await client.get('scores', key))?.toString(), 'hello');
  const many = await client.getMany('scores', ['Tom', key, 'Nobody']);
  assert.deepEqual(
    many.map((value) => value?.toString()),
    ['630', 'hello', undefined],
  );
  assert.equal(await client.delete('scores', key), true);
  assert.equal(await client.get('scores', key), undefined);
  await assert.rejects(
    client.get('nosuchgroup', 'Tom'),
    (error) => error instanceof UnknownGroupError && error.code === 'unknown_group',
  );
}

/** Runs the scenario on every target with a client from `open`, closing each; prints one line per target. */
async function runOnTargets(name, open, UnknownGroupError) {
  for (const { label, options } of targets()) {
    const { client, close } = await open(options);
    try {
      await scenario(client, UnknownGroupError, `${name}-${label}`);
    } finally {
      await close();
    }
    console.log(`${name} ${label}: ok`);
  }
}

module.exports = { runOnTargets, scenario, targets };
