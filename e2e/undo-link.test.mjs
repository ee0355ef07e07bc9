// Issue 18's bars, as a user meets them: undo after training gives back the step count, the loss
// chart and the parameters exactly; a link with clip=off — and one with every key set to a
// non-default value — survives load → reload → share. Waits for conditions, never sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, openTab, canvasStats } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const stepCount = (page) => page.$eval('#train-stats', (el) => Number((el.textContent.match(/step ([\d,]+)/) || [0, '0'])[1].replace(/,/g, '')));
const hash = (page) => page.evaluate(() => location.hash.slice(1));
/** The link's value of `key` in fragment `h`. */
const keyOf = (h, key) => new URLSearchParams(h).get(key);

/** Waits until the address bar's fragment is unchanged for 600 ms (the save job writes it a few
 *  times a second), and returns it. */
async function steadyHash(page) {
  return page.evaluate(() => new Promise((resolve) => {
    let last = location.hash, since = performance.now();
    const tick = () => {
      if (location.hash !== last) { last = location.hash; since = performance.now(); }
      if (performance.now() - since > 600) resolve(last.slice(1)); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
}

/** The chart readout after focusing the loss chart and pressing `key` (Home, End). */
async function readout(page, key) {
  await page.focus('#loss-chart');
  await page.keyboard.press(key);
  return page.textContent('#chart-readout');
}

test('after 500 training steps, a layer drag and an undo: step count, loss history and parameters are those before the drag', async () => {
  const { ctx, page, problems } = await openPage(browser, `${server.url}#v=1&mode=moons&K=8&layers=8p&seed=2&lr=0.01&clip=off`);
  // 500 single steps (→), as a user presses them.
  await page.evaluate(() => {
    for (let i = 0; i < 500; i += 1) {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    }
  });
  await page.waitForFunction(() => /step 500\b/.test(document.querySelector('#train-stats').textContent));
  const h0 = await steadyHash(page);
  assert.equal(keyOf(h0, 'step'), '500');
  await openTab(page, 'train');
  const chart0 = await canvasStats(page, '#loss-chart');
  const first0 = await readout(page, 'Home');
  const last0 = await readout(page, 'End');
  assert.match(last0, /500/);

  // Drag layer 1's û handle with the mouse.
  await openTab(page, 'model');
  await page.click('#layer-list li:nth-child(1) .layer-select');
  await page.waitForFunction(() => {
    const raw = document.querySelector('#overlay-canvas').getAttribute('data-handles');
    return raw && JSON.parse(raw).selected && JSON.parse(raw).handles.UHat;
  });
  const h = JSON.parse(await page.getAttribute('#overlay-canvas', 'data-handles'));
  const box = await page.locator('#overlay-canvas').boundingBox();
  const [x0, y0] = [box.x + h.handles.UHat[0], box.y + h.handles.UHat[1]];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 10; i += 1) await page.mouse.move(x0 + 6 * i, y0 - 4 * i);
  await page.mouse.up();
  await page.waitForFunction((p) => new URLSearchParams(location.hash.slice(1)).get('params') !== p, keyOf(h0, 'params'));

  // Undo (Ctrl+Z, focus on the page body).
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Control+z');
  await page.waitForFunction((p) => new URLSearchParams(location.hash.slice(1)).get('params') === p, keyOf(h0, 'params'));
  const h1 = await steadyHash(page);
  for (const key of ['params', 'step', 'lr', 'clip', 'seed', 'layers']) {
    assert.equal(keyOf(h1, key), keyOf(h0, key), `${key} after undo`);
  }
  assert.equal(await stepCount(page), 500);
  await openTab(page, 'train');
  assert.equal(await readout(page, 'Home'), first0, 'the loss history starts where it did');
  assert.equal(await readout(page, 'End'), last0, 'the loss history ends where it did');
  assert.deepEqual(await canvasStats(page, '#loss-chart'), chart0, 'the loss chart is the one before the drag');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

// Every key at a non-default value except `play` (a playing timeline changes `stage` as it
// goes) and `embed`/`hide` (they change the page; tested below on their own).
const EVERY_KEY = 'v=1&mode=u2&K=3&layers=prs&seed=7&lr=0.02&batch=100&anneal=0&asteps=500&clip=off'
  + '&step=42&stage=1.5&speed=2&loop=1&show=grid,particles,volume&scale=log&view=0.5,-0.5,3&sel=2'
  + '&lesson=one-layer&cmp=kinds';

for (const [name, link, keys] of [
  ['clip=off', 'v=1&mode=moons&K=8&clip=off', ['clip']],
  ['every key non-default', EVERY_KEY, ['mode', 'K', 'layers', 'seed', 'lr', 'batch', 'anneal', 'asteps', 'clip', 'step', 'stage', 'speed', 'loop', 'show', 'scale', 'view', 'sel', 'lesson', 'cmp']],
]) {
  test(`a link with ${name} survives load → reload → share`, async () => {
    const { ctx, page, problems } = await openPage(browser, `${server.url}#${link}`);
    const loaded = await steadyHash(page);
    const given = new URLSearchParams(link);
    for (const k of keys) assert.equal(keyOf(loaded, k), given.get(k), `${k} after load: ${loaded.slice(0, 300)}`);
    assert.ok(!/Some of this link could not be used/.test(await page.textContent('.notice-area')), 'nothing was ignored');

    await page.reload();
    await page.waitForSelector('#main-canvas[data-drawn="true"]');
    const reloaded = await steadyHash(page);
    assert.equal(reloaded, loaded, 'reload');

    await openTab(page, 'share');
    await page.click('#copy-link');
    await page.waitForSelector('#share-text');
    const shared = (await page.inputValue('#share-text')).split('#')[1];
    assert.equal(shared, loaded, 'the shared link');
    // … and the shared link opened in a fresh browser.
    const b = await openPage(browser, `${server.url}#${shared}`);
    assert.equal(await steadyHash(b.page), loaded, 'the shared link opened elsewhere');
    await b.ctx.close();
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  });
}

test('an embed link (embed=1, a hide list) survives load → reload', async () => {
  const link = 'v=1&mode=moons&K=4&clip=off&embed=1&hide=train,model';
  const { ctx, page, problems } = await openPage(browser, `${server.url}#${link}`);
  const loaded = await steadyHash(page);
  assert.equal(keyOf(loaded, 'embed'), '1');
  assert.equal(keyOf(loaded, 'hide'), 'train,model');
  assert.equal(keyOf(loaded, 'clip'), 'off');
  await page.reload();
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  assert.equal(await steadyHash(page), loaded);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
