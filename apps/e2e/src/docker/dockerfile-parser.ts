// A Dockerfile, parsed line by line: enough of the syntax for the checks to read the stages.

/** One instruction, with its keyword upper-cased and its line (the first, for a continued one). */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** A stage: its FROM and the instructions up to the next FROM. */
export interface Stage {
  name: string;
  /** The FROM argument as written (may hold ${ARG}). */
  from: string;
  line: number;
  instructions: Instruction[];
}

/** A Dockerfile's parser directives, global ARGs and stages. */
export interface ParsedDockerfile {
  directives: Map<string, string>;
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

/** Joins continuation lines, drops comments (but reads parser directives), splits into stages. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const directives = new Map<string, string>();
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  const lines = text.split('\n');
  let inDirectives = true;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const first = lines[i];
    if (/^\s*#/.test(first)) {
      const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(first);
      if (inDirectives && directive) directives.set(directive[1].toLowerCase(), directive[2]);
      else inDirectives = false;
      continue;
    }
    inDirectives = false;
    if (first.trim() === '') continue;
    let logical = first;
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      logical = logical.replace(/\\\s*$/, '');
      i++;
      if (/^\s*#/.test(lines[i])) {
        logical += '\\';
        continue;
      }
      logical += lines[i];
    }
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(logical) ?? ['', '', ''];
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : String(stages.length),
        from,
        line: instruction.line,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name, value] = splitOnce(instruction.args, '=');
      globalArgs.set(name, value);
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { directives, globalArgs, stages };
}

/** `text` split at the first `separator`; the second part is undefined when there is none. */
export function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** The exec form `["a", "b"]` of CMD, HEALTHCHECK CMD …; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const value: unknown = JSON.parse(args);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** `--flag=value` options, then the rest. */
export function options(args: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = args;
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags.set(m[1], m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** A COPY (or ADD): `--from`, the sources and the destination, as written. */
export interface Copy {
  from?: string;
  sources: string[];
  destination: string;
  line: number;
}

/** A stage's COPY and ADD instructions. */
export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const { flags, rest } = options(i.args);
      const paths = execForm(rest) ?? rest.split(/\s+/);
      return {
        from: flags.get('from'),
        sources: paths.slice(0, -1),
        destination: paths[paths.length - 1],
        line: i.line,
      };
    });
}

/** `ENV a=1 b=2` (and the old `ENV a 1`), as a map. */
export function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!i.args.split(/\s+/)[0].includes('=')) {
      const [name, value] = splitOnce(i.args, ' ');
      env.set(name, (value ?? '').trim());
      continue;
    }
    for (const pair of i.args.split(/\s+/).filter(Boolean)) {
      const [name, value] = splitOnce(pair, '=');
      env.set(name, (value ?? '').replace(/^"(.*)"$/, '$1'));
    }
  }
  return env;
}

/** The arguments of a stage's RUN instructions. */
export const runs = (stage: Stage): string[] =>
  stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
/** A stage's last instruction with `keyword` (the one that counts for CMD, USER, HEALTHCHECK). */
export const last = (stage: Stage, keyword: string): Instruction | undefined =>
  stage.instructions.filter((i) => i.keyword === keyword).pop();
/** Replaces ${NAME} and $NAME by their values. */
export const expand = (text: string, values: Record<string, string>): string =>
  text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => values[a ?? b ?? ''] ?? whole);

/** The global ARGs that have a default, as values for `expand`. */
export function globalDefaults(df: ParsedDockerfile): Record<string, string> {
  return Object.fromEntries([...df.globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
}
