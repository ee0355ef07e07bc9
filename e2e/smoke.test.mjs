// The app loads, draws a first picture (the standard Gaussian), and logs nothing to the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, canvasStats } from './harness.mjs';

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
    // The canvas is visible and fills a good part of the viewport.
    const box = await page.locator('#main-canvas').boundingBox();
    assert.ok(box.width >= Math.min(600, opts.viewport.width * 0.7), `canvas too small: ${box.width}px`);
    await shot(page, `smoke-${name}`);
    assert.deepEqual(problems, [], `console problems:\n${problems.join('\n')}`);
    await ctx.close();
  });
}
