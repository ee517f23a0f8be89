import { chromium, type Browser, type Page } from 'playwright-core';

import { EtcdCluster, startCluster, type TestCluster } from '@ringcache/testing';

import { request } from '../support';

/** Debian's chromium, installed by .ci/run: the test drives it, nothing is downloaded. */
const CHROMIUM = '/usr/bin/chromium';

/**
 * The dashboard in a real browser, over a real cluster discovering through etcd: it lists the nodes,
 * drops one killed with SIGKILL within its lease, counts a write, and logs no error on the way.
 */
describe('dashboard', () => {
  /** Short, so a killed node leaves the ring soon. */
  const leaseTtlSeconds = 3;
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({ etcd: { endpoints: etcd.endpoints, leaseTtlSeconds } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await page.goto(`${cluster.gateway?.url}/dashboard`);
  });

  afterAll(async () => {
    // The browser first: a page left open would see the gateway go and try to reconnect.
    await browser?.close();
    await cluster?.stop();
    await etcd?.stop();
  });

  /** The rows of the members table. */
  const rows = () => page.locator('#members tbody tr');

  it('shows the three nodes, ready, with their ring shares', async () => {
    await page.locator('#status.live').waitFor({ timeout: 10_000 });
    await expectCount(3, 10_000);
    await page.locator('#members td.ready').nth(2).waitFor({ timeout: 10_000 });
    const shares = await rows().evaluateAll((trs) =>
      trs.map((tr) => parseFloat(tr.cells[6].textContent ?? '')),
    );
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });

  it('counts a write in the group counters', async () => {
    const items = page.locator('[data-group="scores"] [data-counter="items"] b');
    await items.waitFor({ timeout: 10_000 });
    const before = Number(await items.textContent());
    const put = await request(
      'PUT',
      `${cluster.gateway?.url}/api/v1/groups/scores/keys/dashboard-probe`,
      'v',
      {
        'content-type': 'application/octet-stream',
      },
    );
    expect(put.status).toBe(200);
    // An expression, not a function: this file is compiled without the DOM's types.
    const counter = `document.querySelector('[data-group="scores"] [data-counter="items"] b')`;
    await page.waitForFunction(`Number(${counter}?.textContent) > ${before}`, undefined, { timeout: 6_000 });
  });

  it('drops a node killed with SIGKILL within its lease and 2 s, and lists it as left', async () => {
    const victim = cluster.nodes[2];
    const killedAt = Date.now();
    process.kill(victim.process.pid, 'SIGKILL');
    await expectCount(2, leaseTtlSeconds * 1000 + 2_000);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(leaseTtlSeconds * 1000 + 2_000);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.dataset['node']))).not.toContain(victim.name);
    await page.locator('#events li', { hasText: `${victim.name} left` }).waitFor({ timeout: 2_000 });
  });

  it('logged no error in the page', () => {
    expect(errors).toEqual([]);
  });

  async function expectCount(count: number, timeoutMs: number): Promise<void> {
    const shown = `document.querySelectorAll('#members tbody tr').length === ${count}`;
    await page.waitForFunction(shown, undefined, { timeout: timeoutMs });
    expect(await rows().count()).toBe(count);
    expect(await page.locator('#member-count').textContent()).toBe(`${count} nodes`);
  }
});
