// Claims of the README's accessibility paragraph that no other test checked: with
// `prefers-reduced-motion: reduce` playback moves layer by layer (whole stages, no continuous
// motion), and the panel tabs are WAI-ARIA tabs (arrow keys, Home and End move between them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, frames } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Scrubs to stage 0, presses Play and records every stage the main canvas draws (its
 *  `data-stage`, read each animation frame) until stage 3 is reached. */
async function playedStages(page) {
  await page.$eval('#stage-slider', (el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => Number(document.querySelector('#main-canvas').dataset.stage) === 0);
  await frames(page);
  await page.click('button.play');
  const seen = await page.evaluate(() => new Promise((resolve, reject) => {
    const c = document.querySelector('#main-canvas');
    const seen = [];
    const t0 = performance.now();
    const tick = () => {
      const s = Number(c.dataset.stage);
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (s >= 3) resolve(seen);
      else if (performance.now() - t0 > 20000) reject(new Error(`stage 3 not reached: ${seen}`));
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  await page.click('button.play');
  return seen;
}

test('prefers-reduced-motion: playback steps from layer to layer, with no stage in between', async () => {
  // Control: without the preference playback is continuous, so fractional stages are drawn.
  const normal = await openPage(browser, server.url, { viewport: { width: 1280, height: 800 } });
  const smooth = await playedStages(normal.page);
  assert.ok(smooth.some((s) => !Number.isInteger(s)), `continuous playback drew only whole stages: ${smooth}`);
  await normal.ctx.close();

  const { ctx, page, problems } = await openPage(browser, server.url, { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  assert.ok(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches));
  const steps = await playedStages(page);
  assert.ok(steps.every((s) => Number.isInteger(s)), `reduced motion drew stages between layers: ${steps}`);
  assert.deepEqual(steps.slice(0, 4), [0, 1, 2, 3], 'one layer at a time');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('the panel tabs: arrow keys, Home and End move focus and selection between tabs', async () => {
  const { ctx, page, problems } = await openPage(browser, server.url);
  const ids = await page.$$eval('[role="tab"]', (ts) => ts.map((t) => t.id));
  assert.ok(ids.length >= 4, `tabs: ${ids}`);
  /** The focused element's id, and the ids of the selected tabs and of the visible panels. */
  const state = () => page.evaluate(() => ({
    focused: document.activeElement?.id,
    selected: [...document.querySelectorAll('[role="tab"][aria-selected="true"]')].map((t) => t.id),
    panels: [...document.querySelectorAll('[role="tabpanel"]:not([hidden])')].map((p) => p.id),
  }));
  const expect = async (i, key) => {
    const id = ids[i];
    await page.waitForFunction((t) => document.activeElement?.id === t
      && document.getElementById(t).getAttribute('aria-selected') === 'true', id);
    const s = await state();
    assert.deepEqual(s, { focused: id, selected: [id], panels: [id.replace(/^tab-/, 'panel-')] }, `after ${key}`);
    // Only the selected tab is in the Tab order.
    assert.deepEqual(await page.$$eval('[role="tab"][tabindex="0"]', (ts) => ts.map((t) => t.id)), [id]);
  };
  await page.click(`#${ids[1]}`);
  await expect(1, 'a click');
  await page.keyboard.press('ArrowRight');
  await expect(2, 'ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(0, 'ArrowLeft twice');
  await page.keyboard.press('ArrowLeft');
  await expect(ids.length - 1, 'ArrowLeft from the first tab (wraps)');
  await page.keyboard.press('Home');
  await expect(0, 'Home');
  await page.keyboard.press('End');
  await expect(ids.length - 1, 'End');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
