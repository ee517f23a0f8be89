import { cpus, loadavg, totalmem } from 'node:os';

/** Facts about the machine a run happened on, kept in the JSON so results can be compared fairly. */
export interface MachineFacts {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  totalMemoryMiB: number;
  /** 1, 5 and 15 minute load averages when the run started: above ~0 means something else was busy. */
  loadAverage: number[];
}

/** Reads the machine facts now. */
export function machineFacts(): MachineFacts {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}
