import type { DestinationStream } from 'pino';

/** ANSI colours of the level names. */
const LEVEL_COLOURS: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};

/** Fields shown in a line's head rather than among the details. */
const HEAD_FIELDS = new Set(['time', 'level', 'msg', 'context', 'app', 'node', 'pid', 'hostname', 'err']);

/**
 * A pino destination for people at a terminal: each JSON line rewritten as
 * `12:00:01.234 INFO  [node1 cache-node] message  reqId=… status=…`, an error's stack below it.
 * Only for development: parsing every line again costs what JSON output saves.
 */
export function prettyLogStream(out: NodeJS.WritableStream & { isTTY?: boolean }): DestinationStream {
  const colours = out.isTTY === true;
  return { write: (line: string) => void out.write(formatLogLine(line, colours)) };
}

/** One JSON log line in the pretty format (a line that is not JSON is kept as it is). */
export function formatLogLine(line: string, colours = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const paint = (code: string, text: string) => (colours ? `\x1b[${code}m${text}\x1b[0m` : text);
  const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 23) : '';
  const level = String(entry['level'] ?? '');
  const where = [entry['node'] ?? entry['app'], entry['context']]
    .filter((part) => part !== undefined)
    .join(' ');
  const details = Object.entries(entry)
    .filter(([name]) => !HEAD_FIELDS.has(name))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  let text =
    `${paint('90', time)} ${paint(LEVEL_COLOURS[level] ?? '0', level.toUpperCase().padEnd(5))} ` +
    `${where ? `[${where}] ` : ''}${String(entry['msg'] ?? '')}${details ? `  ${paint('90', details)}` : ''}\n`;
  const err = entry['err'] as { stack?: unknown; message?: unknown } | undefined;
  if (err) text += `${String(err.stack ?? err.message ?? JSON.stringify(err))}\n`;
  return text;
}
