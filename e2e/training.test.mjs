// Draw a point cloud (mouse and touch), train on it live, and the controls and guards that
// go with it: pause / step / reset determinism, energy mode, divergence recovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, canvasStats, openPage, openTab, frames, framesFor } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const stepOf = async (page) => Number((await page.textContent('#train-stats')).match(/step (\d+)/)?.[1] ?? 0);
const waitStep = (page, n, timeout = 30000) => page.waitForFunction((m) => {
  const t = document.querySelector('#train-stats').textContent.match(/step (\d+)/);
  return t && Number(t[1]) >= m;
}, n, { timeout });

const freshPage = (opts) => openPage(browser, server.url, opts);

/** Points along a ring of radius `r` (data units) around the origin, in page pixels. */
async function ringPath(page, r, n) {
  const box = await page.locator('#overlay-canvas').boundingBox();
  const scale = Math.min(box.width, box.height) / 8; // default view is [-4, 4]^2
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return { x: box.x + box.width / 2 + r * scale * Math.cos(a), y: box.y + box.height / 2 - r * scale * Math.sin(a) };
  });
}

test('draw a ring with the mouse, train, NLL drops; pause, step, reset', async () => {
  const { ctx, page, problems } = await freshPage();
  await page.selectOption('#target-select', 'drawn');
  await page.waitForFunction(() => document.querySelector('#points-info').textContent.startsWith('0 points'));
  assert.match(await page.textContent('.problem'), /Training is off/);
  // Draw three strokes around the ring.
  for (const r of [1.9, 2.0, 2.1]) {
    const path = await ringPath(page, r, 60);
    await page.mouse.move(path[0].x, path[0].y);
    await page.mouse.down();
    for (const p of path.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 });
    await page.mouse.up();
  }
  const n = Number((await page.textContent('#points-info')).match(/^(\d+)/)[1]);
  assert.ok(n > 200, `only ${n} points drawn`);
  assert.equal(await page.locator('.problem').count(), 0);
  // The notice about the empty target goes once there are points to fit.
  await page.waitForFunction(() => !/Training is off/.test(document.querySelector('.notice-area').textContent));
  await shot(page, 'training-drawn-ring');

  // Train; the held-out NLL is reported and drops.
  await page.click('#train-button');
  await page.waitForFunction(() => /held-out NLL/.test(document.querySelector('#train-stats').textContent), null, { timeout: 30000 });
  await openTab(page, 'train');
  await waitStep(page, 1500, 60000);
  // The first evaluation (step 100), read off the chart (the stats line shows whichever
  // evaluation was last when it refreshed, so its first value depends on timing).
  await page.focus('#loss-chart');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /held-out NLL [\d.]+ \(step 100\)/.test(document.querySelector('#chart-readout').textContent));
  const first = Number((await page.textContent('#chart-readout')).match(/held-out NLL ([\d.]+) \(step 100\)/)[1]);
  await page.keyboard.press('Escape');
  await page.waitForFunction((f) => {
    const m = document.querySelector('#train-stats').textContent.match(/held-out NLL ([-\d.]+)/);
    return m && Number(m[1]) < f - 0.2;
  }, first, { timeout: 30000 });
  assert.match(await page.textContent('#train-stats'), /steps\/s/);
  await shot(page, 'training-ring-trained');

  // Pause: the step count stops. The stats line refreshes every 200 ms (and drops the rate as soon
  // as the button says paused, whether or not the trainer stopped), so read the step once the
  // rate is gone, then watch the line for 600 ms and at least 20 frames (three refreshes, in
  // which a running trainer takes dozens of steps): it must not move.
  await page.click('#train-button');
  await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
  const paused = await stepOf(page);
  await framesFor(page, 600, 20);
  assert.equal(await stepOf(page), paused, 'the step count moved while paused');
  // Single step: exactly one more.
  await page.click('button:has-text("Step")');
  await page.waitForFunction((s) => document.querySelector('#train-stats').textContent.includes(`step ${s + 1}`), paused);
  // The chart redraws at most every 250 ms; its keyboard readout walks the steps it last drew.
  await framesFor(page, 400, 5);

  // Chart readout: hovering the middle of the plot reads a recorded step in the first half
  // or so; the keyboard walks to the last step (and → is the chart's, not "train one step").
  const chart = await page.locator('#loss-chart').boundingBox();
  await page.mouse.move(chart.x + chart.width * 0.55, chart.y + chart.height / 2);
  await page.waitForFunction(() => /^step \d+ · train NLL [\d.]+ \(smoothed [\d.]+\)/.test(document.querySelector('#chart-readout').textContent));
  const mid = Number((await page.textContent('#chart-readout')).match(/^step (\d+)/)[1]);
  assert.ok(mid > 0.2 * paused && mid < 0.8 * paused, `hover read step ${mid} of ${paused}`);
  assert.match(await page.textContent('#chart-readout'), /held-out NLL [\d.]+/);
  await page.mouse.move(chart.x - 40, chart.y - 40);
  await page.focus('#loss-chart');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector('#chart-readout').textContent.startsWith(`step ${s + 1} `), paused);
  assert.equal(await stepOf(page), paused + 1);
  await shot(page, 'training-chart-readout');
  // Log-scaled steps: the middle of the plot now reads about √(last step), far left of linear.
  await page.check('#chart-log-x');
  await page.mouse.move(chart.x + chart.width * 0.55, chart.y + chart.height / 2);
  await page.waitForFunction(() => /^step \d+ ·/.test(document.querySelector('#chart-readout').textContent));
  const logMid = Number((await page.textContent('#chart-readout')).match(/^step (\d+)/)[1]);
  assert.ok(logMid < 0.2 * paused, `log-axis hover read step ${logMid} of ${paused}`);
  await page.uncheck('#chart-log-x');

  // Reset reproduces the initial picture exactly (same seed ⇒ bit-identical weights).
  await page.click('#reset-button');
  await page.waitForFunction(() => document.querySelector('#train-stats').textContent.startsWith('step 0'));
  await frames(page);
  const a = await canvasStats(page, '#main-canvas');
  await page.click('#train-button');
  await waitStep(page, 50);
  await page.click('#train-button');
  await page.click('#reset-button');
  await page.waitForFunction(() => document.querySelector('#train-stats').textContent.startsWith('step 0'));
  await frames(page);
  const b = await canvasStats(page, '#main-canvas');
  assert.deepEqual(b, a);

  assert.ok(!/NaN/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('draw with touch on a phone', async () => {
  const { ctx, page, problems } = await freshPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 });
  await page.selectOption('#target-select', 'drawn');
  await page.waitForFunction(() => document.querySelector('#points-info').textContent.startsWith('0 points'));
  // Touch strokes: pointer events from a touch device, through CDP.
  const cdp = await ctx.newCDPSession(page);
  for (const r of [1.5, 2.5]) {
    const path = await ringPath(page, r, 40);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: path[0].x, y: path[0].y }] });
    for (const p of path.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: p.x, y: p.y }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await page.waitForFunction(() => Number(document.querySelector('#points-info').textContent.match(/^(\d+)/)[1]) > 100);
  // Drawing did not scroll the page.
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await page.click('#train-button');
  await waitStep(page, 200);
  await page.click('#train-button');
  await shot(page, 'training-phone-touch');
  assert.ok(!/NaN/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('energy U1: the free energy drops toward −log Z', async () => {
  const { ctx, page, problems } = await freshPage();
  await page.selectOption('#target-select', 'energy:U1');
  await page.click('#train-button');
  await page.waitForFunction(() => /free energy ([-\d.]+) \(ESS/.test(document.querySelector('#train-stats').textContent), null, { timeout: 30000 });
  const fe = async () => Number((await page.textContent('#train-stats')).match(/free energy ([-\d.]+) \(ESS/)[1]);
  const first = await fe();
  await page.waitForFunction((f) => {
    const m = document.querySelector('#train-stats').textContent.match(/free energy ([-\d.]+) \(ESS/);
    return m && Number(m[1]) < f - 0.3;
  }, first, { timeout: 60000 });
  await page.click('#train-button');
  await shot(page, 'training-u1');
  assert.ok(!/NaN/.test(await page.textContent('body')));
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('an absurd learning rate diverges: notice, halving, no NaN anywhere', async () => {
  const { ctx, page, problems } = await freshPage();
  await openTab(page, 'train');
  await page.fill('#lr-input', '1e6');
  await page.press('#lr-input', 'Enter');
  await page.click('#train-button');
  await page.waitForSelector('.notice.warn', { timeout: 30000 });
  assert.match(await page.textContent('.notice.warn'), /diverged.*halved/);
  // The learning rate shown was halved from 1e6.
  await page.waitForFunction(() => Number(document.querySelector('#lr-input').value) < 1e6);
  await frames(page);
  const s = await canvasStats(page, '#main-canvas');
  assert.ok(Number.isFinite(s.mean) && s.std > 1, 'the density vanished');
  assert.ok(!/NaN|Infinity/.test(await page.textContent('body')));
  // A non-number is refused with a message and the value is kept.
  await page.click('#train-button').catch(() => {});
  await page.fill('#lr-input', 'abc');
  await page.press('#lr-input', 'Enter');
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /not a usable learning rate/);
  await shot(page, 'training-divergence');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
