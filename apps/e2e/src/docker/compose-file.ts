import { splitOnce } from './dockerfile-parser';

// compose.yaml, as far as these checks read it.

/** The parts of a compose service the checks read. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { target?: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

/** A compose file: its services and named volumes. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A published or exposed port of a service. */
export interface Port {
  hostIp?: string;
  published?: number;
  target: number;
}

/** A service's ports, in the short or the long syntax. */
export function portsOf(service: ComposeService): Port[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object')
      return { hostIp: port.host_ip, published: Number(port.published), target: Number(port.target) };
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : undefined;
    return { hostIp: parts.pop(), published, target };
  });
}

/** The environment as strings; anything else is a problem (Compose would stringify it, or refuse it). */
export function environmentOf(
  service: ComposeService,
  problems: string[],
  name: string,
): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((line) => splitOnce(line, '=') as [string, unknown])
    : Object.entries(raw);
  const env: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value === 'string') env[key] = value;
    else problems.push(`${name}: ${key} must be a quoted string, got ${JSON.stringify(value)}`);
  }
  return env;
}

/** A service's depends_on, in the long syntax. */
export const dependsOn = (
  service: Pick<ComposeService, 'depends_on'>,
): Record<string, { condition?: string }> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((d) => [d, {}]))
    : (service.depends_on ?? {});

/** A service's health check test, as one string. */
export function healthTest(service: ComposeService): string {
  const test = service.healthcheck?.test ?? '';
  return Array.isArray(test) ? test.join(' ') : test;
}

/** `--flag=value` arguments of a command. */
export function flagsOf(command: ComposeService['command']): Map<string, string> {
  const words = Array.isArray(command) ? command : (command ?? '').split(/\s+/);
  return new Map(
    words.filter((w) => w.startsWith('--')).map((w) => splitOnce(w.slice(2), '=') as [string, string]),
  );
}

/** Every string in a parsed YAML value. */
export const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.values(value).flatMap(strings)
      : [];

/** `text` as a URL; undefined for none or an invalid one. */
export const urlOf = (text: string | undefined): URL | undefined => {
  try {
    return text ? new URL(text) : undefined;
  } catch {
    return undefined;
  }
};
