// Shared end-to-end harness: a static server for dist/ on loopback, and Debian's Chromium via
// playwright-core (which never downloads a browser). Each test file gets its own server and browser.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const dist = process.env.E2E_DIST || path.join(root, 'dist');
export const shotsDir = path.join(root, 'e2e', 'screenshots');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.ico': 'image/x-icon',
};

/** Serve `dir` on 127.0.0.1 at a free port, as a plain static host does: no CORS headers unless
 *  `cors` is set (a test that needs them asks), files under the URL path `base` (default `/`;
 *  anything outside it is a 404). Every request is recorded in `requests` ({ path, status }).
 *  Resolves to { url, port, requests, close }. */
export function serve(dir = dist, { cors = false, base = '/' } = {}) {
  if (dir === dist && !fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run "scripts/build.sh" first`);
  }
  const requests = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const send = (status, headers, body) => {
      requests.push({ path: u.pathname, status });
      if (cors) headers['access-control-allow-origin'] = '*';
      res.writeHead(status, headers);
      if (typeof body === 'string') res.end(body); else body.pipe(res);
    };
    if (!u.pathname.startsWith(base)) { send(404, {}, 'not found'); return; }
    let rel = decodeURIComponent(u.pathname.slice(base.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      send(404, {}, 'not found'); return;
    }
    send(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream' }, fs.createReadStream(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${base}`, port, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Launch headless Debian Chromium with the flags that work offline here. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** Record console errors/warnings and uncaught page errors of `page` into an array. */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} (${req.failure()?.errorText})`));
  return problems;
}

/** Save a screenshot under e2e/screenshots/ (git-ignored) and return its path. */
export async function shot(page, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Pixel statistics of a canvas' backing store, computed in the page. */
export function canvasStats(page, selector) {
  return page.$eval(selector, (src) => {
    // Read through a scratch copy so the app's own canvas is never read back (repeated
    // readbacks make Chromium warn, and the app's canvases are write-only by design).
    const c = document.createElement('canvas');
    c.width = src.width; c.height = src.height;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(src, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0, sum = 0, sum2 = 0, maxL = -1, maxI = 0;
    const lum = new Float64Array(c.width * c.height);
    for (let i = 0; i < data.length; i += 4) {
      const l = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      lum[n] = l; n += 1; sum += l; sum2 += l * l;
      if (l > maxL) { maxL = l; maxI = n - 1; }
    }
    const mean = sum / n;
    const at = (fx, fy) => lum[Math.floor(fy * (c.height - 1)) * c.width + Math.floor(fx * (c.width - 1))];
    return {
      width: c.width, height: c.height, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)),
      peak: { x: (maxI % c.width) / c.width, y: Math.floor(maxI / c.width) / c.height, lum: maxL },
      center: at(0.5, 0.5), corners: [at(0, 0), at(1, 0), at(0, 1), at(1, 1)],
      left: at(0.3, 0.5), right: at(0.7, 0.5), top: at(0.5, 0.3), bottom: at(0.5, 0.7),
    };
  });
}

/** Two animation frames of `target` (a Page or a Frame): whatever was asked of the app before
 *  has reached the screen. */
export function frames(target) {
  return target.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Waits at least `ms` milliseconds of the page's clock AND at least `n` animation frames, so a
 *  job the app runs every frame, or every `ms`/2 milliseconds, has run at least twice. */
export function framesFor(target, ms, n = 10) {
  return target.evaluate(([ms, n]) => new Promise((r) => {
    const t0 = performance.now();
    let k = 0;
    const tick = () => { k += 1; if (k >= n && performance.now() - t0 >= ms) r(); else requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  }), [ms, n]);
}

/** Waits until the main canvas shows `stage` (its `data-stage`), then one more frame. */
export async function drawnAt(page, stage) {
  await page.waitForFunction((s) => {
    const c = document.querySelector('#main-canvas');
    return c && Math.abs(Number(c.dataset.stage) - s) < 1e-3;
  }, stage);
  await frames(page);
}

/** Waits until the main view's density grid has stopped refining (unchanged for 20 frames). */
export async function settled(page) {
  await page.evaluate(() => new Promise((resolve) => {
    const c = document.querySelector('#main-canvas');
    let last = c.dataset.gridN, same = 0;
    const tick = () => {
      const n = c.dataset.gridN;
      same = n === last ? same + 1 : 0;
      last = n;
      if (same >= 20) resolve(); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
}

/** A fresh context and page at `url`, waiting for the first picture; console problems are collected. */
export async function openPage(browser, url, opts = { viewport: { width: 1280, height: 800 } }) {
  const ctx = await browser.newContext(opts);
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  return { ctx, page, problems };
}

/** Opens the side panel `name` (lessons, data, model, train, view, share, probe, compare), as a
 *  user clicks its tab. */
export async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}
