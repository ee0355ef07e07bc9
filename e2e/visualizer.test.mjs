// The layer-by-layer visualizer: scrubbing changes the picture, play reaches the last stage,
// the probe ledger adds up, and nothing is logged to the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, canvasStats, openTab, drawnAt } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Set the stage slider and wait until the main canvas has been redrawn for it. */
async function scrubTo(page, stage) {
  await page.$eval('#stage-slider', (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, stage);
  await page.waitForFunction((v) => {
    const out = document.querySelector('.stage-readout');
    return out && out.textContent.startsWith(Number(v).toFixed(2));
  }, stage);
  await drawnAt(page, stage);
}

test('scrub, play, probe (desktop)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');

  // Train briefly so the layers do something visible, then pause.
  await page.click('#train-button');
  await page.waitForFunction(() => /step (\d+)/.test(document.querySelector('#train-stats').textContent)
    && Number(document.querySelector('#train-stats').textContent.match(/step (\d+)/)[1]) >= 150, null, { timeout: 30000 });
  await page.click('#train-button');

  const k = Number(await page.$eval('#stage-slider', (el) => el.max));
  assert.ok(k >= 1);
  await scrubTo(page, 0);
  const s0 = await canvasStats(page, '#main-canvas');
  // Stage 0 is the standard Gaussian: peak at the centre, symmetric.
  assert.ok(Math.abs(s0.peak.x - 0.5) < 0.03 && Math.abs(s0.peak.y - 0.5) < 0.03, JSON.stringify(s0.peak));
  await shot(page, 'visualizer-stage0');

  await scrubTo(page, k / 2);
  const sMid = await canvasStats(page, '#main-canvas');
  await shot(page, 'visualizer-stage-mid');
  await scrubTo(page, k);
  const sK = await canvasStats(page, '#main-canvas');
  await shot(page, 'visualizer-stageK');
  // The trained model is not the Gaussian: its picture differs from stage 0.
  const diff = Math.abs(sK.mean - s0.mean) + Math.abs(sK.std - s0.std) + Math.abs(sK.center - s0.center);
  assert.ok(diff > 5, `stage K looks like stage 0: ${JSON.stringify({ s0, sK })}`);
  assert.ok(sMid.std > 10);

  // Play from 0 reaches the last stage by itself.
  await scrubTo(page, 0);
  await openTab(page, 'view');
  await page.selectOption('select[aria-label="Animation speed (layers per second)"]', '8');
  await page.click('button.play');
  await page.waitForFunction((kk) => document.querySelector('.stage-readout').textContent.startsWith(`${kk.toFixed(2)} /`), k, { timeout: 20000 });
  // …and stops there (the button offers Play again).
  await page.waitForFunction(() => /Play/.test(document.querySelector('button.play').textContent));

  // Probe: click the canvas centre; the ledger's terms add up to the total, which equals the
  // engine's batch density at that point.
  const box = await page.locator('#overlay-canvas').boundingBox();
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.45);
  // The probe opens its ledger beside the canvas.
  await page.waitForSelector('#panel-probe:not([hidden]) #probe-total');
  const ledger = await page.$$eval('.ledger tbody td.num:last-child, .ledger tbody td:nth-child(3)', (tds) => tds.map((t) => Number(t.textContent)));
  const total = Number(await page.textContent('#probe-total'));
  const batch = Number(await page.getAttribute('#probe-total', 'data-batch'));
  const terms = ledger.filter((v) => Number.isFinite(v));
  assert.equal(terms.length, k + 1, `expected log q0 and ${k} terms, got ${terms.length}`);
  const sum = terms.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - total) < 1e-3 * (k + 1), `ledger sum ${sum} vs total ${total}`);
  assert.ok(Math.abs(batch - total) < 1e-3, `probe total ${total} vs batch density ${batch}`);
  await shot(page, 'visualizer-probe');

  const text = await page.textContent('body');
  assert.ok(!/NaN/.test(text), 'NaN appears in the page text');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
