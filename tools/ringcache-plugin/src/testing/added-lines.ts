/**
 * The lines `after` has beyond `before`, when `after` is `before` with lines inserted; throws when a line
 * of `before` went missing or changed. How the specs check that an edit kept every comment and entry.
 */
export function addedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const added: string[] = [];
  let next = 0;
  for (const line of after.split('\n')) {
    if (next < old.length && line === old[next]) next++;
    else added.push(line);
  }
  if (next < old.length)
    throw new Error(`line ${next + 1} of the original is missing: ${JSON.stringify(old[next])}`);
  return added;
}
