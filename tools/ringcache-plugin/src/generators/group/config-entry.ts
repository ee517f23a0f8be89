import { isDeepStrictEqual } from 'node:util';

import { isMap, isScalar, parse, parseDocument, type Pair, type YAMLMap } from 'yaml';

/** Names of the groups the configuration file lists under `groups:`. */
export function configGroupNames(text: string, path: string): string[] {
  const groups = parsed(text, path)['groups'];
  return groups && typeof groups === 'object' ? Object.keys(groups) : [];
}

/**
 * Returns the configuration text with `groups.<name>` added after the last group, preceded by a comment
 * line. The file is edited as text at the position the YAML parser reports, so every comment, blank line
 * and quote stays as it was; the result is parsed again and must equal the old configuration plus the
 * new group, or nothing is written.
 */
export function addConfigGroup(
  text: string,
  path: string,
  name: string,
  settings: Record<string, string>,
  comment: string,
): string {
  const before = parsed(text, path);
  const document = parseDocument(text);
  const groups = document.get('groups', true);
  let at: number;
  let indent = '  ';
  let fieldIndent = '    ';
  if (isMap(groups) && !groups.flow && groups.items.length > 0) {
    const items = groups.items as Pair[];
    const first = items[0];
    const column = columnOf(text, (first.key as { range: [number, number, number] }).range[0]);
    indent = ' '.repeat(column);
    const firstFields = isMap(first.value) && !first.value.flow ? (first.value as YAMLMap).items : [];
    const fieldColumn = firstFields.length
      ? columnOf(text, (firstFields[0].key as { range: [number, number, number] }).range[0])
      : column + 2;
    fieldIndent = ' '.repeat(fieldColumn);
    const last = items[items.length - 1];
    const node = (last.value ?? last.key) as { range: [number, number, number] };
    at = lineEndAfter(text, node.range[1]);
  } else if (isScalar(groups) && groups.value === null && !groups.source) {
    // `groups:` with nothing under it yet.
    const pair = (document.contents as YAMLMap).items.find(
      (p) => isScalar(p.key) && p.key.value === 'groups',
    );
    at = lineEndAfter(text, (pair?.key as { range: [number, number, number] }).range[2]);
  } else {
    throw new Error(
      `${path} has no block mapping \`groups:\` to add group ${name} to; add \`groups:\` at the top level ` +
        `(see libs/config/README.md) and run the generator again`,
    );
  }

  const lines = [
    `${indent}# ${comment}`,
    `${indent}${yamlKey(name)}:`,
    ...Object.entries(settings).map(([key, value]) => `${fieldIndent}${key}: ${yamlScalar(value)}`),
  ];
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  const result = `${text.slice(0, at)}${prefix}${lines.join('\n')}\n${text.slice(at)}`;

  const expected = {
    ...before,
    groups: {
      ...((before['groups'] as object | null) ?? {}),
      [name]: Object.fromEntries(
        Object.entries(settings).map(([key, value]) => [key, parse(yamlScalar(value))]),
      ),
    },
  };
  let after: unknown;
  try {
    after = parsed(result, path);
  } catch {
    after = undefined;
  }
  if (!isDeepStrictEqual(after, expected)) {
    throw new Error(`could not add group ${name} to ${path} safely; nothing was changed`);
  }
  return result;
}

function parsed(text: string, path: string): Record<string, unknown> {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new Error(`${path} is not valid YAML: ${document.errors[0].message}`);
  }
  const value = document.toJS() as unknown;
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path} is not a YAML mapping`);
  return value as Record<string, unknown>;
}

/** The offset just past the end of the line holding `offset - 1` (or `offset`, at a line start). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** A group name as a key: plain when YAML reads it back as the same string (`orders`), else quoted (`'null'`). */
function yamlKey(name: string): string {
  const read = parse(`${name}: 0`) as Record<string, unknown> | null;
  return read !== null && Object.keys(read).length === 1 && read[name] === 0 ? name : `'${name}'`;
}

/** A setting's value: plain when YAML reads it back as that text or number (`64MiB`, `0`), else quoted. */
function yamlScalar(value: string): string {
  const read = parse(value) as unknown;
  return read === value || (typeof read === 'number' && String(read) === value) ? value : `'${value}'`;
}
