import { readFileSync } from 'node:fs';

/** USER_HZ: /proc/stat counts in hundredths of a second. */
const TICKS_PER_SECOND = 100;

/** `0`, `0-6` or `0,2-3` → core numbers. */
export function parseCoreList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined ? [from] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/**
 * Seconds the given cores have been busy (anything but idle and iowait) since boot, from /proc/stat;
 * undefined where /proc is missing. The difference of two readings, minus the CPU of our own processes
 * on those cores, is what other processes took from the run.
 */
export function busySeconds(cores: number[]): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const core of cores) {
    const line = text.split('\n').find((l) => l.startsWith(`cpu${core} `));
    if (!line) return undefined;
    // user nice system idle iowait irq softirq steal; steal is time the hypervisor gave to someone else.
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    ticks += user + nice + system + irq + softirq + steal;
  }
  return ticks / TICKS_PER_SECOND;
}
