import { RSS_GROWTH_PER_BUDGET, type Judgement, type SeriesKind } from './series-rules';

/** How each kind of series is named in the table. */
const KIND_LABEL: Record<SeriesKind, string> = {
  rss: 'RSS',
  'heap-used': 'V8 heap used',
  external: 'external memory',
  fds: 'open fds',
  sockets: 'sockets',
  'etcd-keys': 'etcd keys',
  'etcd-leases': 'etcd leases',
  'cache-bytes': 'cache bytes',
};

const BYTE_KINDS = new Set<SeriesKind>(['rss', 'heap-used', 'external', 'cache-bytes']);

/** A value of a series as the table shows it: MiB with one decimal for bytes, a whole number for counts. */
export function formatValue(kind: SeriesKind, value: number | undefined, signed = false): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const sign = signed && value > 0 ? '+' : '';
  if (BYTE_KINDS.has(kind)) return `${sign}${(value / 2 ** 20).toFixed(1)} MiB`;
  const digits = Number.isInteger(value) ? 0 : 1;
  return `${sign}${value.toFixed(digits)}`;
}

/** The limit cell: what the rule bounds and by how much. */
function limitCell(j: Judgement): string {
  if (j.limit === undefined) return '—';
  const bound = formatValue(j.kind, j.limit);
  if (j.kind === 'cache-bytes') return `max ≤ ${bound}`;
  if (j.kind === 'rss' && j.rule.startsWith('growth')) return `≤ ${bound} (${RSS_GROWTH_PER_BUDGET}× budget)`;
  return `\\|change\\| ≤ ${bound}`;
}

const VERDICT_MARK = { pass: '✓ pass', fail: '✗ FAIL', info: 'info' } as const;

/**
 * The Markdown table of a soak: one row per series with its start, end and max, the slope of its
 * least-squares line after warm-up per hour, how far that line moved after warm-up, the rule's bound and the
 * verdict.
 */
export function judgementTable(judgements: readonly Judgement[]): string {
  const header = ['series', 'start', 'end', 'max', 'slope / h', 'change after warm-up', 'limit', 'verdict'];
  const rows = judgements.map((j) => [
    `${j.process} ${KIND_LABEL[j.kind]}`,
    formatValue(j.kind, j.start),
    formatValue(j.kind, j.end),
    formatValue(j.kind, j.max),
    formatValue(j.kind, j.slopePerHour, true),
    formatValue(j.kind, j.change, true),
    limitCell(j),
    j.verdict === 'fail' ? `${VERDICT_MARK.fail}: ${j.rule}` : VERDICT_MARK[j.verdict],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
