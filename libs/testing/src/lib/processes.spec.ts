import { eventually } from './http';
import { freePort } from './ports';
import { startProcess, stopAllProcesses } from './processes';

describe('startProcess', () => {
  afterAll(stopAllProcesses);

  it('keeps output and stops a process with SIGTERM', async () => {
    const p = startProcess({
      name: 'sleeper',
      command: process.execPath,
      args: [
        '-e',
        // The handler first: a SIGTERM sent on seeing `ready` must not find the default (killed by it).
        "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
      ],
    });
    // Waits for the output rather than a fixed time: a loaded machine may take seconds to start node.
    await eventually('the sleeper to print ready', () => p.printed(/^ready$/), 10_000);
    expect(p.alive).toBe(true);
    expect(p.printed(/^ready$/)).toBe(true);
    expect(await p.stop()).toEqual({ code: 0, signal: null });
    expect(p.alive).toBe(false);
    expect(p.output()).toContain('bye');
  }, 20_000);

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const p = startProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);"],
    });
    await eventually('the stubborn process to ignore SIGTERM', () => p.printed(/^up$/), 10_000);
    expect(await p.stop('SIGTERM', 200)).toEqual({ code: null, signal: 'SIGKILL' });
  }, 20_000);

  it('hands out distinct free ports', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
  });
});
