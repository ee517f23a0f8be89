/** Causes followed at most, so a cycle of causes cannot loop. */
const MAX_CAUSES = 3;

/**
 * The first line of an error, and of each of its causes, as a table note: `failed: …`. `fetch` says only
 * "fetch failed" and puts what happened (ECONNRESET, "other side closed", …) in `cause`.
 */
export function failureNote(error: unknown): string {
  return `failed: ${describe(error, (message) => message.split('\n')[0])}`;
}

/** An error's whole message (a process's output included) and its causes, cut at 3,000 characters, for the progress log. */
export function failureDetail(error: unknown): string {
  return describe(error, (message) => message).slice(0, 3_000);
}

function describe(error: unknown, shown: (message: string) => string): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined; depth++) {
    parts.push(shown(messageOf(current)));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' (cause: ') + ')'.repeat(parts.length - 1);
}

/** The message, with the error's code (ECONNRESET, …) when the message does not name it. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}
