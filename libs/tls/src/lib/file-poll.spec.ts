import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually, sleep, tempDir, type TempDir } from '@ringcache/testing';

import { pollFileContents } from './file-poll';

describe('pollFileContents', () => {
  let dir: TempDir;
  let a: string;
  let b: string;
  const stops: (() => void)[] = [];
  const poll = (onChange: () => void, seen?: Buffer[]) => {
    const stop = pollFileContents([a, b], 20, onChange, seen);
    stops.push(stop);
    return stop;
  };

  beforeEach(() => {
    dir = tempDir('file-poll-');
    a = join(dir.path, 'a.pem');
    b = join(dir.path, 'b.pem');
    writeFileSync(a, 'first a');
    writeFileSync(b, 'first b');
  });
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    dir.remove();
  });

  it('tells nothing while the files stay as they were', async () => {
    let changes = 0;
    poll(() => changes++);
    await sleep(150);
    expect(changes).toBe(0);
  });

  it('tells a rewrite of the same size, at once, however close in time to the last write', async () => {
    let changes = 0;
    poll(() => changes++);
    writeFileSync(a, 'other a');
    await eventually('the rewrite told', () => changes === 1, 5_000);
  });

  it('counts a change made after the caller read the files but before polling began', async () => {
    const seen = [readFileSync(a), readFileSync(b)];
    writeFileSync(b, 'second b');
    let changes = 0;
    poll(() => changes++, seen);
    await eventually('the early change told', () => changes === 1, 5_000);
  });

  it('tells a file replaced by a rename, and one that goes missing and comes back', async () => {
    let changes = 0;
    poll(() => changes++);
    writeFileSync(join(dir.path, 'new.pem'), 'renamed a');
    renameSync(join(dir.path, 'new.pem'), a);
    await eventually('the rename told', () => changes === 1, 5_000);
    rmSync(b);
    await eventually('the removal told', () => changes === 2, 5_000);
    writeFileSync(b, 'back b');
    await eventually('the return told', () => changes === 3, 5_000);
  });

  it('stops when told to', async () => {
    let changes = 0;
    poll(() => changes++)();
    writeFileSync(a, 'after stop');
    await sleep(150);
    expect(changes).toBe(0);
  });

  it('refuses contents that do not match the files', () => {
    expect(() => pollFileContents([a, b], 20, () => undefined, [Buffer.from('x')])).toThrow(
      'pollFileContents: 1 contents for 2 files',
    );
  });
});
