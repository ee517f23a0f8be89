import { markdownTable } from '../measure';
import type { HopRow } from '../scenarios/hop.scenario';
import { formatCount } from './http-table';

const us = (value: number) => value.toFixed(1);

/**
 * The Markdown table of the hop rows: CPU per call of the client and of the node, and their sum; per key
 * for a call of many; and the sum against the same call over the transport's former way (`× before`:
 * below 1 is cheaper).
 */
export function hopTable(rows: HopRow[]): string {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return markdownTable(
    ['call', 'transport', 'client µs', 'node µs', 'µs a call', 'µs a key', '× before', 'calls/s', 'notes'],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      const f = row.figures;
      if (row.status !== 'measured' || !f)
        return [row.call, row.transport, '—', '—', '—', '—', '—', '—', `${row.status}: ${notes}`];
      const before = row.before === undefined ? undefined : byId.get(row.before)?.figures;
      return [
        row.call,
        row.transport,
        us(f.clientUs),
        us(f.serverUs),
        us(f.totalUs),
        us(f.perKeyUs),
        before ? `${(f.totalUs / before.totalUs).toFixed(2)}×` : '—',
        formatCount(f.callsPerSec),
        notes,
      ];
    }),
  );
}
