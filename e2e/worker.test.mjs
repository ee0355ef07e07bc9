// Training on the second core (README, "Training on the second core"): the page's worker runs the
// same module, trains, and hands the state back once a frame. Checked as users meet it: the
// embed, pasted as the app writes it into an article on another origin with no CORS header,
// trains in its worker to the same bits as the page's own thread (`?noworker`); a browser where
// workers cannot start trains on the page and says nothing alarming; under a sub-path, in
// presenter mode, pause, step, reset and the link all see the worker's state; a drag while the
// worker trains pauses training and wins, and undo takes it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, openPage, openTab, framesFor } from './harness.mjs';
import { articleKit } from './article.mjs';

let app, browser, kit;
before(async () => {
  app = await serve();
  browser = await launch();
  kit = articleKit(browser, app);
});
after(async () => {
  await browser?.close();
  await app?.close();
  await kit?.close();
});

const stepOf = async (page) => Number((await page.textContent('#train-stats')).match(/step (\d+)/)?.[1] ?? 0);
const workerScripts = (page) => page.workers().map((w) => new URL(w.url()).pathname);

/** The embed trains `steps` steps on command; its link once it paused there, and its workers. */
async function trainInEmbed(edit, steps) {
  const { ctx, page, problems, send } = await kit.drivingArticle('', { width: 1000, height: 900 }, edit);
  await send({ type: 'flow:train', steps });
  await kit.waitEvent(page, 'flow:step', `e.step === ${steps} && e.training === false`);
  await kit.waitLink(page, 'step', String(steps));
  const link = await kit.linkOf(page);
  const workers = workerScripts(page);
  await ctx.close();
  return { link, workers, problems };
}

test('the embed trains in its worker, to the same bits as on the page', async () => {
  const steps = 700;
  const inWorker = await trainInEmbed((code) => code, steps);
  const onPage = await trainInEmbed((code) => code.replace('/#v=1', '/?noworker#v=1'), steps);
  assert.equal(inWorker.workers.length, 1, `workers: ${inWorker.workers}`);
  assert.match(inWorker.workers[0], /^\/worker-[0-9a-f]+\.js$/);
  assert.deepEqual(onPage.workers, []);
  assert.ok(inWorker.link.params?.length > 100, 'the link carries the trained parameters');
  assert.equal(inWorker.link.step, String(steps));
  assert.equal(inWorker.link.params, onPage.link.params, 'the worker trained other parameters than the page');
  assert.deepEqual(inWorker.problems, [], inWorker.problems.join('\n'));
  assert.deepEqual(onPage.problems, [], onPage.problems.join('\n'));
});

test('where workers cannot start, the app trains on the page and says nothing alarming', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => { delete window.Worker; });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(app.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await page.click('#train-button');
  await page.waitForFunction(() => Number(document.querySelector('#train-stats').textContent.match(/step (\d+)/)?.[1] ?? 0) >= 300, null, { timeout: 30000 });
  assert.deepEqual(workerScripts(page), []);
  assert.equal(await page.locator('.notice-area .notice').count(), 0, 'a notice appeared');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('under a sub-path, in presenter mode: pause, step, reset and the link see the worker\'s state', async () => {
  const sub = await serve(undefined, { base: '/course/flows/' });
  try {
    const { ctx, page, problems } = await openPage(browser, sub.url);
    await page.keyboard.press('f');
    await page.click('#train-button');
    await page.waitForFunction(() => Number(document.querySelector('#train-stats').textContent.match(/step (\d+)/)?.[1] ?? 0) >= 2000, null, { timeout: 30000 });
    const workers = workerScripts(page);
    assert.equal(workers.length, 1);
    assert.match(workers[0], /^\/course\/flows\/worker-[0-9a-f]+\.js$/);
    // Pause: the count stops where the picture is, and the link says the same step.
    await page.click('#train-button');
    await page.evaluate(() => document.activeElement?.blur());
    await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
    const paused = await stepOf(page);
    await framesFor(page, 600, 20);
    assert.equal(await stepOf(page), paused, 'the step count moved while paused');
    await page.waitForFunction((s) => location.hash.includes(`&step=${s}&`) || location.hash.endsWith(`&step=${s}`), paused, { timeout: 10000 });
    // One step, then back to the seed.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((s) => document.querySelector('#train-stats').textContent.includes(`step ${s + 1}`), paused);
    await page.keyboard.press('r');
    await page.waitForFunction(() => !/step [1-9]/.test(document.querySelector('#train-stats').textContent));
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  } finally {
    await sub.close();
  }
});

test('a drag while the worker trains pauses training and the edit wins; undo takes the edit back; the link says what is shown', async () => {
  const { ctx, page, problems } = await openPage(browser, app.url);
  await page.click('#train-button');
  await page.waitForFunction(() => Number(document.querySelector('#train-stats').textContent.match(/step (\d+)/)?.[1] ?? 0) >= 1000, null, { timeout: 30000 });
  assert.equal(workerScripts(page).length, 1, 'training runs in the worker');
  // Select layer 1 (its handles appear over the density) while the worker trains.
  await openTab(page, 'model');
  await page.click('#layer-list li:nth-child(1) .layer-select');
  await page.waitForFunction(() => {
    const raw = document.querySelector('#overlay-canvas').getAttribute('data-handles');
    return raw && JSON.parse(raw).selected && JSON.parse(raw).layer === 0;
  });
  const fields = () => Promise.all(['edit-u0', 'edit-u1', 'edit-w0', 'edit-w1', 'edit-b'].map((id) => page.inputValue(`#${id}`)));
  // Drag û with the mouse.
  const h = JSON.parse(await page.getAttribute('#overlay-canvas', 'data-handles'));
  const box = await page.locator('#overlay-canvas').boundingBox();
  const [x0, y0] = [box.x + h.handles.UHat[0], box.y + h.handles.UHat[1]];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) await page.mouse.move(x0 + 4 * i, y0 - 3 * i);
  await page.mouse.up();
  // Training paused with the drag, and nothing the worker had computed comes back over the edit.
  await page.waitForFunction(() => !/steps\/s/.test(document.querySelector('#train-stats').textContent));
  const step = await stepOf(page);
  const edited = await fields();
  await framesFor(page, 600, 20);
  assert.equal(await stepOf(page), step, 'the step count moved after the drag');
  assert.deepEqual(await fields(), edited, 'the dragged layer changed after the drag');
  await page.waitForFunction((s) => new RegExp(`[#&]step=${s}(&|$)`).test(location.hash), step, { timeout: 10000 });
  // Undo takes the drag back (the trained values), at the same step.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Control+z');
  await page.waitForFunction(([u0, u1]) => document.querySelector('#edit-u0')?.value !== u0 || document.querySelector('#edit-u1')?.value !== u1, edited, { timeout: 5000 });
  const undone = await fields();
  assert.notDeepEqual(undone, edited, 'undo did not take the drag back');
  assert.equal(await stepOf(page), step);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
