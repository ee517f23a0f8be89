import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { workspaceRoot } from '@ringcache/testing';

const read = (path: string) => readFileSync(join(workspaceRoot(), path), 'utf8');

/**
 * Every etcd the project starts for people compacts its history. Each write with a TTL puts a delay-queue
 * key that its lease's expiry deletes: without compaction etcd keeps every one of those revisions, and a
 * soak saw its memory grow by about 13 MiB a minute under steady load, towards the database quota at
 * which etcd refuses writes. (docker/compose.yaml is checked with the other compose rules.)
 */
describe('etcd launchers', () => {
  it('etcd/Procfile runs every member with periodic auto-compaction', () => {
    const members = read('etcd/Procfile')
      .split('\n')
      .filter((line) => /^\w+:\s*etcd\s/.test(line));
    expect(members).toHaveLength(3);
    for (const line of members) {
      expect(line).toMatch(/--auto-compaction-mode[ =]periodic\b/);
      expect(line).toMatch(/--auto-compaction-retention[ =][1-9]\d*[smh]?\b/);
    }
  });

  it('npm run etcd and npm start run etcd with periodic auto-compaction', () => {
    const script = read('tools/scripts/etcd-members.mjs');
    expect(script).toMatch(/'--auto-compaction-mode',\s*'periodic'/);
    expect(script).toMatch(/'--auto-compaction-retention',\s*'[1-9]\d*[smh]?'/);
  });
});
