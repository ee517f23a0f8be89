import { readdirSync, readlinkSync } from 'node:fs';

/** A process's open file descriptors, and how many of them are sockets. */
export interface OpenFds {
  fds: number;
  sockets: number;
}

/**
 * Counts a process's open file descriptors and sockets from /proc/<pid>/fd (Linux; the caller must own the
 * process); undefined when unreadable. A descriptor closed between listing and reading counts as a file.
 */
export function openFds(pid: number | undefined): OpenFds | undefined {
  if (pid === undefined) return undefined;
  const dir = `/proc/${pid}/fd`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  let sockets = 0;
  for (const name of names) {
    try {
      if (readlinkSync(`${dir}/${name}`).startsWith('socket:')) sockets++;
    } catch {
      // Closed since it was listed.
    }
  }
  return { fds: names.length, sockets };
}
