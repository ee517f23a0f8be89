import { spawn } from 'node:child_process';

import { toolEnv } from '@ringcache/testing';

/** How a run in a terminal ended, with everything it printed (colours removed). */
export interface TerminalRun {
  code: number | null;
  output: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs `command` in a pseudo-terminal (util-linux `script`), as a person at a terminal would: the Nest CLI
 * passes no options of its own to a schematic, so the group schematic asks for them, and its prompts
 * appear only on a terminal. Each prompt, in order, gets its answer and Enter once its text is printed.
 */
export function runInTerminal(
  command: string,
  cwd: string,
  answers: { prompt: string; answer: string }[],
  timeoutMs: number,
): Promise<TerminalRun> {
  return new Promise((resolve) => {
    // The Angular devkit never prompts when CI is set, terminal or not.
    const { CI: _ci, ...env } = toolEnv({ TERM: 'xterm', COLUMNS: '200' });
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let next = 0;
    let searchFrom = 0;
    const onData = (chunk: Buffer) => {
      output += chunk.toString().replace(ANSI, '');
      while (next < answers.length) {
        const at = output.indexOf(answers[next].prompt, searchFrom);
        if (at < 0) break;
        searchFrom = at + answers[next].prompt.length;
        child.stdin.write(`${answers[next].answer}\r`);
        next++;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\r/g, '') });
    });
  });
}
