import { parsePrometheus, sumMetric } from './metrics';

describe('parsePrometheus', () => {
  it('reads samples with and without labels, skipping comments', () => {
    const samples = parsePrometheus(
      [
        '# HELP ringcache_gets_total Gets by outcome.',
        '# TYPE ringcache_gets_total counter',
        'ringcache_gets_total{group="scores",outcome="hit"} 12',
        'ringcache_gets_total{group="scores",outcome="load"} 1',
        'ringcache_gets_total{group="other",outcome="hit"} 5',
        'process_cpu_seconds_total 0.5',
        'odd_label{path="a\\"b"} 2',
        '',
      ].join('\n'),
    );
    expect(samples).toHaveLength(5);
    expect(sumMetric(samples, 'ringcache_gets_total')).toBe(18);
    expect(sumMetric(samples, 'ringcache_gets_total', { group: 'scores' })).toBe(13);
    expect(sumMetric(samples, 'ringcache_gets_total', { group: 'scores', outcome: 'load' })).toBe(1);
    expect(sumMetric(samples, 'process_cpu_seconds_total')).toBe(0.5);
    expect(samples[4].labels).toEqual({ path: 'a"b' });
  });

  it('rejects lines that are not samples', () => {
    expect(() => parsePrometheus('not a sample')).toThrow(/not a Prometheus sample/);
  });
});
