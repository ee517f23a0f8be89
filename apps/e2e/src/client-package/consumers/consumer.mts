// A TypeScript consumer, compiled by tsc against the installed package's types (moduleResolution node16
// as an .mts, and bundler), then run. The annotations are the point: they check the published types.
import { strict as assert } from 'node:assert';

import {
  RingcacheClient,
  UnknownGroupError,
  type RingcacheClientOptions,
  type RingcacheError,
} from '@ringcache/client';

const targets = JSON.parse(process.env['RINGCACHE_TARGETS'] ?? '[]') as {
  label: string;
  options: RingcacheClientOptions;
}[];

for (const { label, options } of targets) {
  const client = new RingcacheClient(options);
  try {
    await client.ready(10_000);
    const key = `ts-${label}-${process.pid}`;
    const tom: Buffer | undefined = await client.get('scores', 'Tom');
    assert.equal(tom?.toString(), '630');
    const written: { expireAtMs: number } = await client.set('scores', key, 'hello', { ttl: '30s' });
    assert.ok(written.expireAtMs > Date.now());
    const many: (Buffer | undefined)[] = await client.getMany('scores', ['Tom', key, 'Nobody']);
    assert.deepEqual(
      many.map((value) => value?.toString()),
      ['630', 'hello', undefined],
    );
    const deleted: boolean = await client.delete('scores', key);
    assert.equal(deleted, true);
    assert.equal(await client.get('scores', key), undefined);
    const failure: unknown = await client.get('nosuchgroup', 'Tom').catch((error: unknown) => error);
    assert.ok(failure instanceof UnknownGroupError);
    const typed: RingcacheError = failure;
    assert.equal(typed.code, 'unknown_group');
  } finally {
    await client.close();
  }
  console.log(`ts ${label}: ok`);
}
