import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file the dashboard page loads, held in memory. */
export interface DashboardAsset {
  contentType: string;
  body: Buffer;
}

/** The dashboard's files by path: the page, its script and stylesheet, uPlot's script and stylesheet. */
export type DashboardAssets = ReadonlyMap<string, DashboardAsset>;

export const DASHBOARD_PATH = '/dashboard';

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * Reads the dashboard's files once, at startup, so a missing file stops the gateway from starting instead
 * of failing the first page view. The page's own files sit in `static/` beside this module (the build
 * copies them along: tools/build/compile-node.mjs); uPlot comes from node_modules, where `npm start` and
 * the Docker image (production dependencies) both have it.
 */
export function loadDashboardAssets(): DashboardAssets {
  const own = (name: string) => readFileSync(join(__dirname, 'static', name));
  const uplot = (name: string) => readFileSync(require.resolve(`uplot/dist/${name}`));
  return new Map([
    [DASHBOARD_PATH, { contentType: HTML, body: own('dashboard.html') }],
    [`${DASHBOARD_PATH}/dashboard.js`, { contentType: JS, body: own('dashboard.js') }],
    [`${DASHBOARD_PATH}/dashboard.css`, { contentType: CSS, body: own('dashboard.css') }],
    [`${DASHBOARD_PATH}/uplot.js`, { contentType: JS, body: uplot('uPlot.iife.min.js') }],
    [`${DASHBOARD_PATH}/uplot.css`, { contentType: CSS, body: uplot('uPlot.min.css') }],
  ]);
}
