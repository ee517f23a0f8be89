import { spawn, type ChildProcess } from 'node:child_process';

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  /** Label used in messages, e.g. `node2`. */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Lines kept from a process's output, for failure messages. */
const KEPT_LINES = 200;

/** Every process started and not yet exited, so `stopAllProcesses` (and process exit) can clean up. */
const running = new Set<ManagedProcess>();

/** A child process started by a test, with its recent output and an exit promise. */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  private readonly lines: string[] = [];
  private exit?: Exit;

  constructor(options: StartProcessOptions) {
    this.name = options.name;
    this.child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A chunk may end inside a line (a long JSON log line, say): its start waits for the rest.
    const keeper = () => {
      let partial = '';
      return {
        data: (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) this.keep(line);
        },
        end: () => {
          this.keep(partial);
          partial = '';
        },
      };
    };
    for (const stream of [this.child.stdout, this.child.stderr]) {
      const { data, end } = keeper();
      stream?.on('data', data);
      stream?.on('end', end);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        resolve(this.exit);
      });
      this.child.once('error', (error) => {
        this.lines.push(`spawn error: ${error.message}`);
        this.exit = { code: -1, signal: null };
        running.delete(this);
        resolve(this.exit);
      });
    });
    running.add(this);
  }

  private keep(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The last lines the process printed. */
  output(): string {
    return this.lines.join('\n');
  }

  /** True when the process printed a line matching `pattern`. */
  printed(pattern: RegExp): boolean {
    return this.lines.some((line) => pattern.test(line));
  }

  /** Sends a signal to this process only (by pid). */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) process.kill(this.pid, signal);
  }

  /**
   * Stops the process: `signal` (SIGTERM by default), then SIGKILL if it has not exited within `graceMs`.
   * Resolves with how it exited.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<Exit> {
    if (!this.alive) return this.exit as Exit;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process with SIGKILL and waits for it to be gone. */
  kill(): Promise<Exit> {
    return this.stop('SIGKILL', 0);
  }
}

/** Starts a child process that `stopAllProcesses` will clean up. */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  return new ManagedProcess(options);
}

/**
 * An environment for a tool a test runs (node, npm, nx): PATH and HOME, plain output, no Nx daemon or
 * cloud, and nothing else, so no variable of an outer `npm test` or Nx run leaks in; `extra` is added.
 */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

/** How a command run by {@link runToExit} ended, with the last lines it printed. */
export interface RunResult {
  code: number | null;
  output: string;
}

/**
 * Runs a command to its end, killing it (by pid) after `timeoutMs`; resolves with its exit code and output
 * whether it succeeded or not, so the caller can put the output in its assertion message.
 */
export async function runToExit(options: StartProcessOptions, timeoutMs: number): Promise<RunResult> {
  const child = startProcess(options);
  const timer = setTimeout(() => void child.kill(), timeoutMs);
  try {
    const exit = await child.exited;
    return { code: exit.code, output: child.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every process started by this test process that is still running. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGTERM', 5_000)));
}

// A test runner that dies must not leave servers behind: kill what is left, by pid.
process.once('exit', () => {
  for (const p of running) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** True while a process of this pid exists (signal 0 checks without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
