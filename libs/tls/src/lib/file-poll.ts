import { readFileSync } from 'node:fs';

/** What a file held at one poll: its bytes, or the code of the error that kept it from being read. */
type Seen = Buffer | string;

function readOrCode(path: string): Seen {
  try {
    return readFileSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

function same(a: Seen, b: Seen): boolean {
  return typeof a === 'string' || typeof b === 'string' ? a === b : a.equals(b);
}

/**
 * Calls `onChange` whenever the contents of any of `paths` differ from what they held at the previous poll,
 * polling every `intervalMs`; returns the function that stops. `seen` is what the caller read (in the order
 * of `paths`): a change made after that read, even before this call, counts. Without it the files are read
 * now.
 *
 * Contents, not stat times, are compared. A stat watcher (fs.watchFile) takes its first stat on the thread
 * pool after it starts, so a file replaced in between is never seen as changed; and where timestamps are
 * coarse, a rewrite of the same size within one clock tick leaves the stat as it was. Certificates are a
 * few KiB, so reading them every poll costs microseconds. The timer does not keep the process alive.
 */
export function pollFileContents(
  paths: readonly string[],
  intervalMs: number,
  onChange: () => void,
  seen: readonly Seen[] = paths.map(readOrCode),
): () => void {
  if (seen.length !== paths.length)
    throw new Error(`pollFileContents: ${seen.length} contents for ${paths.length} files`);
  let last = [...seen];
  const timer = setInterval(() => {
    const now = paths.map(readOrCode);
    if (now.every((content, i) => same(content, last[i]))) return;
    last = now;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
