// Time to the first paint (index.html's placeholder: first contentful paint) and to the first
// density picture (#main-canvas[data-drawn="true"]) on a slow connection, emulated with
// Chromium's network throttling (CDP Network.emulateNetworkConditions). The build is served
// gzip-compressed, as GitHub Pages and most static hosts serve it.
//   node e2e/first-paint.mjs [--runs N] [--down-kbps 1600] [--rtt-ms 150]   (E2E_DIST=dir)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, dist } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const runs = opt('--runs', 3);
const downKbps = opt('--down-kbps', 1600);
const rttMs = opt('--rtt-ms', 150);

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  let p = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '');
  if (p === '') p = 'index.html';
  const file = path.join(dist, p);
  if (!file.startsWith(dist) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  const body = fs.readFileSync(file);
  const gz = /gzip/.test(req.headers['accept-encoding'] || '');
  res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', ...(gz ? { 'content-encoding': 'gzip' } : {}) });
  res.end(gz ? zlib.gzipSync(body, { level: 9 }) : body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const results = [];
try {
  for (let i = 0; i < runs; i += 1) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    // Records when the first picture is drawn, from the page's own clock.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('#main-canvas[data-drawn="true"]')) { window.__firstPicture = performance.now(); obs.disconnect(); }
      }).observe(document, { subtree: true, attributes: true, childList: true, attributeFilter: ['data-drawn'] });
    });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: rttMs, downloadThroughput: (downKbps * 1000) / 8, uploadThroughput: (750 * 1000) / 8,
    });
    await page.goto(url);
    await page.waitForSelector('#main-canvas[data-drawn="true"]', { timeout: 120000 });
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      picture: window.__firstPicture,
      bytes: performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0)
        + performance.getEntriesByType('navigation')[0].transferSize,
    }));
    results.push(t);
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = {
  scenario: 'first-paint', down_kbps: downKbps, rtt_ms: rttMs, runs,
  fcp_ms: Math.round(median(results.map((r) => r.fcp))),
  first_picture_ms: Math.round(median(results.map((r) => r.picture))),
  transferred_bytes: median(results.map((r) => r.bytes)),
  all: results.map((r) => [Math.round(r.fcp), Math.round(r.picture)]),
};
console.log(JSON.stringify(line));
