// The app loads, draws a first picture (the standard Gaussian), and logs nothing to the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, canvasStats, openTab } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

for (const [name, opts] of [
  ['desktop', { viewport: { width: 1280, height: 800 } }],
  ['phone', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 }],
]) {
  test(`first picture, no console noise (${name})`, async () => {
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await page.goto(server.url);
    await page.waitForSelector('#main-canvas[data-drawn="true"]', { timeout: 15000 });
    const s = await canvasStats(page, '#main-canvas');
    // Not blank: the Gaussian spans dark (tails) to bright (mode).
    assert.ok(s.std > 20, `canvas looks blank: luminance std ${s.std.toFixed(1)}`);
    // Stage 0 is N(0, I): the brightest pixel is at the centre of the default [-4, 4]^2 view…
    assert.ok(Math.abs(s.peak.x - 0.5) < 0.03 && Math.abs(s.peak.y - 0.5) < 0.03,
      `peak not at the origin: ${JSON.stringify(s.peak)}`);
    // …the corners are dark, and the picture is radially symmetric.
    for (const c of s.corners) assert.ok(c < s.center - 100, `corner ${c} not darker than centre ${s.center}`);
    for (const v of [s.right, s.top, s.bottom]) assert.ok(Math.abs(v - s.left) < 3, `not symmetric: ${JSON.stringify(s)}`);
    // The canvas is visible and large: 60 % of the height on a desktop, the full width on a phone.
    const box = await page.locator('#main-canvas').boundingBox();
    const { width: vw, height: vh } = opts.viewport;
    if (vw < 700) assert.ok(box.width >= vw - 1, `canvas ${box.width}px of ${vw}px`);
    else assert.ok(box.height >= 0.6 * vh, `canvas ${box.height}px of ${vh}px`);
    // No markup leaked as text (a view macro that misread an attribute shows Rust in the page).
    const text = await page.textContent('body');
    assert.ok(!/move \||=>|MAX_|get\(\)/.test(text), `code in the page text: ${text.match(/.{0,40}(move \||=>|MAX_|get\(\)).{0,40}/)?.[0]}`);
    await shot(page, `smoke-${name}`);
    assert.deepEqual(problems, [], `console problems:\n${problems.join('\n')}`);
    await ctx.close();
  });
}

test('the page runs under its Content-Security-Policy: no inline script, no violations', async () => {
  const html = await (await fetch(server.url)).text();
  // The release HTML is minified: attribute order and quoting are the minifier's.
  const meta = html.match(/<meta[^>]*http-equiv="?Content-Security-Policy"?[^>]*>/)?.[0];
  const csp = meta?.match(/content="([^"]+)"/)?.[1];
  assert.ok(csp, 'CSP meta tag');
  const directive = (name) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
  assert.equal(directive('script-src'), "script-src 'self' 'wasm-unsafe-eval'");
  assert.equal(directive('style-src'), "style-src 'self'");
  assert.equal(directive('default-src'), "default-src 'self'");
  assert.equal(directive('object-src'), "object-src 'none'");
  // Every script is loaded from a file; none is inline.
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\ssrc=/, `inline script: ${body.slice(0, 80)}`);
    assert.equal(body.trim(), '');
  }
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]', { timeout: 15000 });
  // Exercise what touches styles, canvases and downloads.
  await page.click('#train-button');
  await page.waitForFunction(() => /step [1-9]\d{2,}/.test(document.querySelector('#train-stats').textContent));
  await page.click('#train-button');
  await openTab(page, 'train');
  const chart = await page.locator('#loss-chart').boundingBox();
  await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
  await openTab(page, 'share');
  await Promise.all([page.waitForEvent('download'), page.click('#png-button')]);
  await openTab(page, 'lessons');
  await page.click('button[data-lesson="one-layer"]');
  await page.waitForSelector('#lesson-caption');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
