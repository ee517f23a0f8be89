// `npm run screenshot:dashboard`: regenerates docs/dashboard.png, the gateway's /dashboard in Debian's
// chromium (playwright-core drives it; no browser is downloaded). Uses the gateway of a running `npm start`
// (or the one at --url / RINGCACHE_GATEWAY_URL); when none answers, starts `npm start` itself and stops it
// at the end. Sends some reads and writes first, so the charts have something to show.
//
// usage: node tools/scripts/dashboard-screenshot.mjs [--url http://127.0.0.1:9999] [--seconds 40]
//        [--out docs/dashboard.png] [--chromium /usr/bin/chromium]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { root } from './workspace.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.RINGCACHE_GATEWAY_URL ?? 'http://127.0.0.1:9999' },
    seconds: { type: 'string', default: '40' },
    out: { type: 'string', default: 'docs/dashboard.png' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const gateway = args.url.replace(/\/$/, '');
const out = resolve(root, args.out);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function ready() {
  try {
    return (await fetch(`${gateway}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts `npm start` and waits (up to 3 minutes: it builds first) for the gateway to be ready. */
async function startCluster() {
  console.log(`no gateway at ${gateway}: starting npm start…`);
  const child = spawn(process.execPath, [join(root, 'tools/scripts/start.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  for (let waited = 0; waited < 180_000; waited += 1_000) {
    if (await ready()) return { child, exited };
    if (child.exitCode !== null) throw new Error('npm start exited before the gateway was ready');
    await sleep(1_000);
  }
  child.kill('SIGINT');
  throw new Error(`the gateway at ${gateway} did not become ready in 3 minutes`);
}

/** Writes 200 keys of the demo group, then reads them (hits), a few misses and the demo rows, for `ms`. */
async function traffic(ms) {
  const key = (k) => `${gateway}/api/v1/groups/scores/keys/${encodeURIComponent(k)}`;
  const drain = (response) => response.arrayBuffer();
  const put = (k, body) => fetch(`${key(k)}?ttl=10m`, { method: 'PUT', body }).then(drain);
  await Promise.allSettled(Array.from({ length: 200 }, (_, i) => put(`note-${i}`, `note ${i} `.repeat(50))));
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    const keys = [
      'Tom',
      'Jack',
      'Sam',
      ...Array.from({ length: 12 }, () => `note-${Math.floor(Math.random() * 200)}`),
    ];
    if (i % 3 === 0) keys.push(`visitor-${Math.floor(Math.random() * 100_000)}`);
    const requests = keys.map((k) => fetch(key(k)).then(drain));
    if (i % 10 === 0) requests.push(put(`note-${i % 200}`, `note ${i} `.repeat(50)));
    await Promise.allSettled(requests);
    await sleep(40);
  }
}

let started;
if (!(await ready())) started = await startCluster();
const browser = await chromium.launch({ executablePath: args.chromium, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${gateway}/dashboard`);
  await page.locator('#status.live').waitFor({ timeout: 15_000 });
  console.log(`sending traffic for ${args.seconds} s…`);
  // The picture is taken while traffic still flows, so the latest sample is not an idle one.
  const seconds = Number(args.seconds);
  const flowing = traffic((seconds + 5) * 1_000);
  await sleep(seconds * 1_000);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  await flowing;
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  if (started) {
    started.child.kill('SIGINT');
    await started.exited;
  }
}
