/** The first line of an error, as a table note: `failed: …`. */
export function failureNote(error: unknown): string {
  return `failed: ${failureDetail(error).split('\n')[0]}`;
}

/** An error's whole message (a process's output included), cut at 3,000 characters, for the progress log. */
export function failureDetail(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 3_000);
}
