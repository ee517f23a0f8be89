import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from './errors';
import { DEFAULT_GROUP, groupConfig } from './groups';
import { loadConfig } from './load-config';

let dir: string;
let count = 0;

/** Loads with `yaml` as the file (none when undefined) and `env`. */
function load(yaml: string | undefined, env: NodeJS.ProcessEnv = {}) {
  if (yaml === undefined) return loadConfig({ env, cwd: dir });
  const file = join(dir, `groups-${++count}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ env, cwd: dir, file });
}

function issuesOf(yaml: string | undefined, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((issue) => issue.replace(/from file .*\)$/, 'from file)'));
    throw error;
  }
  throw new Error('expected a ConfigError');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringcache-groups-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('groups', () => {
  it('are the scores group when nothing configures any', () => {
    expect(load(undefined).groups).toEqual({
      scores: {
        maxBytes: 64 * 2 ** 20,
        ttlMs: 300_000,
        negativeTtlMs: 30_000,
        hotShare: 0.125,
        hotKeyCapacity: 256,
        hotKeyWindowMs: 60_000,
        loadTimeoutMs: 2500,
        staleGraceMs: 0,
      },
    });
  });

  it('come from the file when it has any, with defaults for fields it leaves out', () => {
    const config = load('groups:\n  users: { maxBytes: 1MiB, ttl: 90s }\n  sessions:\n');
    expect(config.groups).toEqual({
      users: { ...DEFAULT_GROUP, maxBytes: 1_048_576, ttlMs: 90_000 },
      sessions: DEFAULT_GROUP,
    });
    expect(DEFAULT_GROUP).toEqual({
      maxBytes: 64 * 2 ** 20,
      ttlMs: 0,
      negativeTtlMs: 30_000,
      hotShare: 0.125,
      hotKeyCapacity: 256,
      hotKeyWindowMs: 60_000,
      loadTimeoutMs: 2500,
      staleGraceMs: 0,
    });
  });

  it('can be none at all', () => {
    expect(load('groups: {}\n').groups).toEqual({});
  });

  it('take RINGCACHE_GROUPS over the file, field by field', () => {
    const yaml = 'groups:\n  scores: { maxBytes: 1MiB, ttl: 1m, hotShare: 0.25 }\n';
    const env = { RINGCACHE_GROUPS: '{"scores":{"ttl":"10s","negativeTtl":0},"users":{"loadTimeout":1000}}' };
    expect(load(yaml, env).groups).toEqual({
      scores: { ...DEFAULT_GROUP, maxBytes: 1_048_576, ttlMs: 10_000, negativeTtlMs: 0, hotShare: 0.25 },
      users: { ...DEFAULT_GROUP, loadTimeoutMs: 1000 },
    });
  });

  it('take RINGCACHE_GROUPS over the built-in scores group too', () => {
    expect(load(undefined, { RINGCACHE_GROUPS: '{"scores":{"ttl":0}}' }).groups['scores'].ttlMs).toBe(0);
  });

  it('report every bad field, name and key with where it came from', () => {
    const yaml = 'groups:\n  scores: { maxBytes: lots, ttl: -1s, hotShare: 0.9, ttll: 1 }\n  users: 5\n';
    const env = { RINGCACHE_GROUPS: '{"scores":{"negativeTtl":"soon"},"bad name":{}}' };
    expect(issuesOf(yaml, env)).toEqual([
      'groups.scores.ttll: unknown setting; a group has maxBytes, ttl, negativeTtl, hotShare, hotKeys, hotKeyWindow, loadTimeout, staleOnError, table, keyColumn, valueColumn (from file)',
      expect.stringMatching(/^groups\.scores\.maxBytes: must be a size: .*, got "lots" \(from file\)$/),
      expect.stringMatching(/^groups\.scores\.ttl: must be a duration: .*, got "-1s" \(from file\)$/),
      expect.stringMatching(
        /^groups\.scores\.negativeTtl: must be a duration: .*, got "soon" \(from RINGCACHE_GROUPS\)$/,
      ),
      'groups.scores.hotShare: must be a number in [0, 0.5], got 0.9 (from file)',
      'groups.users: must be a mapping of settings (maxBytes, ttl, negativeTtl, hotShare, hotKeys, hotKeyWindow, loadTimeout, staleOnError, table, keyColumn, valueColumn), got 5 (from file)',
      'groups."bad name": invalid group name: use 1 to 64 of A-Z a-z 0-9 _ . - (from RINGCACHE_GROUPS)',
    ]);
  });

  it('take hot-key counting settings, and refuse out-of-range ones', () => {
    const groups = load('groups:\n  scores: { hotKeys: 0, hotKeyWindow: 5m }\n').groups;
    expect(groups['scores']).toMatchObject({ hotKeyCapacity: 0, hotKeyWindowMs: 300_000 });
    expect(issuesOf('groups:\n  scores: { hotKeys: 70000, hotKeyWindow: 10ms }\n')).toEqual([
      expect.stringMatching(/^groups\.scores\.hotKeys: must be an integer in \[0, 65536\].*\(from file\)$/),
      expect.stringMatching(/^groups\.scores\.hotKeyWindow: must be a duration.*got "10ms" \(from file\)$/),
    ]);
  });

  it('report RINGCACHE_GROUPS that is not a JSON object', () => {
    expect(issuesOf(undefined, { RINGCACHE_GROUPS: '[1]' })).toEqual([
      'groups: must be a JSON object of group name to settings, got [1] (from RINGCACHE_GROUPS)',
    ]);
    expect(issuesOf(undefined, { RINGCACHE_GROUPS: '{' })).toEqual([
      expect.stringMatching(/^groups: must be valid JSON .*, got "\{" \(from RINGCACHE_GROUPS\)$/),
    ]);
  });

  it('report a file groups value that is not a mapping', () => {
    expect(issuesOf('groups: [scores]\n')).toEqual([
      'groups: must be a mapping of group name to settings, got ["scores"] (from file)',
    ]);
  });
});

describe('groupConfig', () => {
  it('gives a configured group its settings and any other group the defaults', () => {
    const config = load(undefined);
    expect(groupConfig(config, 'scores')).toBe(config.groups['scores']);
    expect(groupConfig(config, 'unlisted')).toBe(DEFAULT_GROUP);
    expect(groupConfig(config, 'toString')).toBe(DEFAULT_GROUP);
    expect(Object.isFrozen(DEFAULT_GROUP)).toBe(true);
  });
});
