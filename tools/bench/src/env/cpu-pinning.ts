import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

/** Where `taskset` lives on Debian (util-linux). */
const TASKSET = '/usr/bin/taskset';

/**
 * Which cores the servers and the load generator run on. Servers (baselines, cache nodes, gateways) get
 * every core but the last, the load generator the last one, so the two never take CPU from each other.
 * With one core, or without taskset, nothing is pinned and `note` says so.
 */
export interface PinPlan {
  /** True when processes are pinned. */
  pinned: boolean;
  /** taskset core list for servers, e.g. `0` or `0-6`. */
  serverCores?: string;
  /** taskset core list for the load generator, e.g. `1`. */
  loadCores?: string;
  /** One line for the report. */
  note: string;
}

/** Works out the plan for this machine. */
export function pinPlan(): PinPlan {
  const cores = cpus().length;
  if (cores < 2) return { pinned: false, note: 'not pinned: one core, servers and load generator share it' };
  if (process.platform !== 'linux' || !existsSync(TASKSET)) {
    return {
      pinned: false,
      note: `not pinned: ${TASKSET} not found; servers and load generator share cores`,
    };
  }
  const serverCores = cores === 2 ? '0' : `0-${cores - 2}`;
  const loadCores = String(cores - 1);
  return {
    pinned: true,
    serverCores,
    loadCores,
    note:
      `servers (every node, gateway and baseline process we start) on core ${serverCores}, ` +
      `load generator (autocannon, own process) on core ${loadCores}`,
  };
}

/**
 * Pins this process — all its threads — to the server cores, so every server it starts inherits them
 * from birth (children inherit affinity at fork; pinning them later would race their first threads).
 * The orchestrator itself only waits while a load runs.
 */
export function pinSelfToServerCores(plan: PinPlan): void {
  if (!plan.pinned || !plan.serverCores) return;
  setAffinity(process.pid, plan.serverCores);
}

/** Puts every thread of `pid` on `cores` (a taskset core list); throws when taskset cannot. */
export function setAffinity(pid: number, cores: string): void {
  execFileSync(TASKSET, ['-a', '-c', '-p', cores, String(pid)], { stdio: 'ignore' });
}

/** The core list `pid` may run on now (taskset's own words, e.g. `0,1` or `0-6`). */
export function affinityOf(pid: number): string {
  return parseAffinityList(execFileSync(TASKSET, ['-c', '-p', String(pid)], { encoding: 'utf8' }));
}

/** The core list in what `taskset -c -p` prints (`pid 12's current affinity list: 0,1`). */
export function parseAffinityList(output: string): string {
  const list = /affinity list:\s*([0-9,-]+)\s*$/.exec(output.trim())?.[1];
  if (!list) throw new Error(`cannot read an affinity list in ${JSON.stringify(output.trim())}`);
  return list;
}

/** Command and arguments that run `command args` on the load generator cores (unchanged when unpinned). */
export function onLoadCores(plan: PinPlan, command: string, args: string[]): [string, string[]] {
  if (!plan.pinned || !plan.loadCores) return [command, args];
  // taskset execs the command, so the process keeps taskset's pid: stopping it by pid stops the load.
  return [TASKSET, ['-c', plan.loadCores, command, ...args]];
}
