import { rssBytes } from './process-rss';

describe('rssBytes', () => {
  it('reads this process’s resident size, and nothing for a missing process', () => {
    expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    expect(rssBytes(2 ** 30)).toBeUndefined();
    expect(rssBytes(undefined)).toBeUndefined();
  });
});
