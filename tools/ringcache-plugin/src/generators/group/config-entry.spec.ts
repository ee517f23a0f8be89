import { parse } from 'yaml';

import { addConfigGroup, configGroupNames } from './config-entry';
import { addedLines } from '../../testing/added-lines';
import { realFile } from '../../testing/workspace';

const PATH = 'config/ringcache.yaml';
const SETTINGS = { maxBytes: '16MiB', ttl: '10m', negativeTtl: '0' };

describe('config/ringcache.yaml', () => {
  const real = realFile(PATH);

  it('lists the configured groups', () => {
    expect(configGroupNames(real, PATH)).toEqual(['scores']);
    expect(configGroupNames('cluster: x\n', PATH)).toEqual([]);
  });

  it('adds the group after the last one, before the closing comment, keeping every line', () => {
    const after = addConfigGroup(real, PATH, 'orders', SETTINGS, 'Loaded by somewhere.');
    expect(addedLines(real, after)).toEqual([
      '  # Loaded by somewhere.',
      '  orders:',
      '    maxBytes: 16MiB',
      '    ttl: 10m',
      '    negativeTtl: 0',
    ]);
    expect(after).toMatch(/staleOnError: 0\n {2}# Loaded by somewhere\.\n {2}orders:\n/);
    expect(after).toMatch(/negativeTtl: 0\n {2}# A group needs no code/);
    expect(parse(after).groups.orders).toEqual({ maxBytes: '16MiB', ttl: '10m', negativeTtl: 0 });
  });

  it('quotes a name YAML would read as something else', () => {
    const after = addConfigGroup(real, PATH, 'null', SETTINGS, 'c');
    expect(after).toContain(`  'null':\n`);
    expect(Object.keys(parse(after).groups)).toEqual(['scores', 'null']);
  });

  it.each([
    [
      'an empty groups key',
      'cluster: x\ngroups:\nlog:\n  level: info\n',
      'cluster: x\ngroups:\n  # c\n  orders:\n',
    ],
    [
      'a last group without a newline at the end',
      'groups:\n  a:\n    ttl: 1s',
      'groups:\n  a:\n    ttl: 1s\n  # c\n',
    ],
    [
      'four-space indentation',
      'groups:\n    a:\n        ttl: 1s\n',
      'groups:\n    a:\n        ttl: 1s\n    # c\n    orders:\n        maxBytes',
    ],
  ])('edits %s', (_, text, start) => {
    const after = addConfigGroup(text, PATH, 'orders', SETTINGS, 'c');
    expect(after.startsWith(start)).toBe(true);
    expect(parse(after).groups.orders).toEqual({ maxBytes: '16MiB', ttl: '10m', negativeTtl: 0 });
  });

  it.each([
    ['no groups key', 'cluster: x\n'],
    ['a flow mapping', 'groups: { a: { ttl: 1s } }\n'],
  ])('refuses a file with %s', (_, text) => {
    expect(() => addConfigGroup(text, PATH, 'orders', SETTINGS, 'c')).toThrow(
      `${PATH} has no block mapping \`groups:\` to add group orders to`,
    );
  });

  it('refuses a file that is not YAML', () => {
    expect(() => configGroupNames('groups: [\n', PATH)).toThrow(`${PATH} is not valid YAML`);
  });
});
