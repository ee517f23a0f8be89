/** One imported name: `type` marks a type-only import (`import { type Row }`). */
export interface Import {
  name: string;
  from: string;
  type?: boolean;
}

/**
 * Import declarations in the workspace's order — packages, then `@ringcache/*`, then relative paths, a blank
 * line between the groups — one declaration per module, names sorted as prettier-sorted code has them.
 */
export function importLines(imports: Import[]): string[] {
  const byModule = new Map<string, Map<string, boolean>>();
  for (const { name, from, type } of imports) {
    const names = byModule.get(from) ?? new Map<string, boolean>();
    names.set(name, (names.get(name) ?? true) && type === true);
    byModule.set(from, names);
  }
  const rank = (from: string) => (from.startsWith('.') ? 2 : from.startsWith('@ringcache/') ? 1 : 0);
  const modules = [...byModule.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const lines: string[] = [];
  modules.forEach((from, i) => {
    if (i > 0 && rank(modules[i - 1]) !== rank(from)) lines.push('');
    const names = [...(byModule.get(from) as Map<string, boolean>)];
    const allTypes = names.every(([, type]) => type);
    const list = names
      .sort(([a], [b]) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
      .map(([name, type]) => (type && !allTypes ? `type ${name}` : name))
      .join(', ');
    lines.push(`import ${allTypes ? 'type ' : ''}{ ${list} } from '${from}';`);
  });
  return lines;
}
