import { getWithCertificate, type ClientTlsFiles } from './http';

/** One Prometheus sample: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (comments and blank lines skipped). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    if (Number.isNaN(value) && match[3].toLowerCase() !== 'nan')
      throw new Error(`not a Prometheus sample: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** Fetches and parses a `/metrics` page (presenting `tls`, from a node with mutual TLS). */
export async function scrapeMetrics(url: string, tls?: ClientTlsFiles): Promise<Sample[]> {
  const res = tls
    ? await getWithCertificate(url, tls)
    : await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return parsePrometheus(res.body);
}

/** Sum of the samples called `name` whose labels include every pair in `where`. */
export function sumMetric(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
