// One screen for the lecture hall: the whole loop (canvas, Train, the timeline, the loss
// sparkline) is on screen without scrolling at every common laptop, projector and phone size,
// before and after training starts and with each side panel open; presenter mode; the keyboard
// help; and axe-core (the engine behind most accessibility audits) finds nothing, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watchConsole, shot, root } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const DESKTOPS = [[1280, 800], [1366, 768], [1440, 900], [1920, 1080]];
const PHONES = [[390, 844], [360, 740]];
const PANELS = ['lessons', 'data', 'model', 'train', 'view', 'share', 'probe', 'compare'];
const LOOP = ['#main-canvas', '#train-button', '#stage-slider', '#loss-spark'];

const contextFor = ([w, h], extra = {}) => {
  const phone = w < 700;
  return browser.newContext({
    viewport: { width: w, height: h },
    ...(phone ? { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : {}),
    ...extra,
  });
};

/** Every element of the loop lies fully inside the viewport, and the page is not scrolled. */
async function assertLoopOnScreen(page, [w, h], when) {
  const r = await page.evaluate((sels) => ({
    scrollY: window.scrollY,
    boxes: Object.fromEntries(sels.map((s) => {
      const b = document.querySelector(s).getBoundingClientRect();
      return [s, { x: b.x, y: b.y, right: b.right, bottom: b.bottom, width: b.width, height: b.height }];
    })),
  }), LOOP);
  assert.equal(r.scrollY, 0, `${w}×${h} ${when}: the page scrolled`);
  for (const [sel, b] of Object.entries(r.boxes)) {
    assert.ok(b.width > 0 && b.height > 0, `${w}×${h} ${when}: ${sel} is not shown`);
    assert.ok(b.x >= -0.5 && b.y >= -0.5 && b.right <= w + 0.5 && b.bottom <= h + 0.5,
      `${w}×${h} ${when}: ${sel} is off screen: ${JSON.stringify(b)}`);
  }
  const c = r.boxes['#main-canvas'];
  if (w < 700) assert.ok(c.width >= w - 1, `${w}×${h}: canvas ${c.width}px wide, not the full width`);
  else assert.ok(c.height >= 0.6 * h, `${w}×${h}: canvas ${c.height}px tall, under 60 % of ${h}`);
  return r.boxes;
}

for (const vp of [...DESKTOPS, ...PHONES]) {
  const [w, h] = vp;
  const phone = w < 700;
  test(`the whole loop fits ${w}×${h} (${phone ? 'touch' : 'mouse'}): before and after Train, with every panel`, async () => {
    const ctx = await contextFor(vp);
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await page.goto(server.url);
    await page.waitForSelector('#main-canvas[data-drawn="true"]');
    const boxes = await assertLoopOnScreen(page, vp, 'on load');
    const press = (sel) => (phone ? page.tap(sel) : page.click(sel));
    // The first visit says what to do.
    assert.match(await page.textContent('#first-hint'), /Train/);
    await press('#train-button');
    await page.waitForFunction(() => /step [1-9]\d*/.test(document.querySelector('#train-stats').textContent));
    assert.equal(await page.locator('#first-hint').count(), 0, 'the hint is gone once training ran');
    await assertLoopOnScreen(page, vp, 'training');
    for (const p of PANELS) {
      await press(`#tab-${p}`);
      await page.waitForSelector(`#panel-${p}:not([hidden])`);
      // The panel may scroll in place below the canvas, the page does not.
      await page.evaluate(() => window.scrollTo(0, 0));
      const now = await assertLoopOnScreen(page, vp, `with the ${p} panel open`);
      assert.deepEqual(now['#main-canvas'], boxes['#main-canvas'], `opening ${p} moved the canvas`);
    }
    await press('#train-button');
    await shot(page, `layout-${w}x${h}`);
    console.log(`${w}×${h}: canvas ${Math.round(boxes['#main-canvas'].width)}² at (${Math.round(boxes['#main-canvas'].x)}, ${Math.round(boxes['#main-canvas'].y)}); Train at (${Math.round(boxes['#train-button'].x)}, ${Math.round(boxes['#train-button'].y)})`);
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  });
}

test('a landscape phone shows the canvas and the bar side by side', async () => {
  const ctx = await contextFor([844, 390], { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  const canvas = await page.locator('#main-canvas').boundingBox();
  const train = await page.locator('#train-button').boundingBox();
  const slider = await page.locator('#stage-slider').boundingBox();
  assert.ok(canvas.height >= 389, `canvas ${canvas.height}px tall`);
  for (const b of [train, slider]) {
    assert.ok(b.x >= canvas.x + canvas.width, 'the bar is beside the canvas');
    assert.ok(b.y + b.height <= 390, 'the bar is on screen');
  }
  await shot(page, 'layout-844x390');
  await ctx.close();
});

test('presenter mode with a lesson: the caption sits beside the canvas, never over it, at every projector size', async () => {
  // Figure 3, and the longest caption of all.
  const lessons = ['#lesson=fig3-u1&mode=u1&K=32&anneal=1&asteps=1500', '#lesson=steps-vs-error&mode=8gaussians&K=1&layers=f[euler,4]&trace=error'];
  for (const [[w, h], link] of [[1280, 800], [1366, 768], [1920, 1080]].flatMap((size) => lessons.map((l) => [size, l]))) {
    const ctx = await contextFor([w, h]);
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}${link}`);
    await page.waitForSelector('#main-canvas[data-drawn="true"]');
    await page.keyboard.press('f');
    await page.waitForSelector('.app.presenter');
    await page.waitForSelector('#lesson-caption');
    const canvas = await page.locator('#main-canvas').boundingBox();
    const caption = await page.locator('#lesson-caption').boundingBox();
    const apart = caption.x >= canvas.x + canvas.width || caption.x + caption.width <= canvas.x
      || caption.y >= canvas.y + canvas.height || caption.y + caption.height <= canvas.y;
    assert.ok(apart, `${w}x${h}: caption ${JSON.stringify(caption)} over canvas ${JSON.stringify(canvas)}`);
    assert.ok(caption.x + caption.width <= w && caption.y + caption.height <= h, `${w}x${h}: caption inside the screen`);
    assert.ok(canvas.height >= 0.6 * h, `${w}x${h}: canvas ${canvas.height}px of ${h}`);
    const size = await page.$eval('#lesson-caption', (el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 28, `${w}x${h}: caption ${size}px`);
    // All of it readable: nothing cut off (it scrolls only if it must, and here it need not).
    const fits = await page.$eval('#lesson-caption', (el) => el.scrollHeight <= el.clientHeight + 1);
    assert.ok(fits, `${w}x${h}: the caption overflows its box`);
    await shot(page, `layout-presenter-lesson-${w}-${link.slice(8, 14)}`);
    assert.deepEqual(problems, [], problems.join('\n'));
    await ctx.close();
  }
});

test('presenter mode: by key and by button, big captions, Train and the timeline at hand, Esc leaves', async () => {
  const ctx = await contextFor([1920, 1080]);
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}#lesson=fig3-u1&mode=u1&K=32&anneal=1&asteps=1500`);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await page.keyboard.press('f');
  await page.waitForSelector('.app.presenter');
  const canvas = await page.locator('#main-canvas').boundingBox();
  assert.ok(canvas.height >= 0.7 * 1080, `presenter canvas ${canvas.height}px`);
  const size = (sel) => page.$eval(sel, (el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(await size('#stage-info') >= 28, `stage caption ${await size('#stage-info')}px`);
  assert.ok(await size('#lesson-caption') >= 28, `lesson caption ${await size('#lesson-caption')}px`);
  for (const sel of ['#train-button', '#stage-slider', 'button.play']) {
    assert.ok(await page.locator(sel).isVisible(), `${sel} in the presenter bar`);
  }
  // The keyboard drives it: Space trains, p plays.
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('#train-stats').textContent));
  await page.keyboard.press('Space');
  await shot(page, 'layout-presenter-1920');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.app:not(.presenter)');
  // The button does the same, and Esc leaves again.
  await page.click('#presenter-button');
  await page.waitForSelector('.app.presenter');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.app:not(.presenter)');
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('? lists every shortcut; Esc closes it', async () => {
  const ctx = await contextFor([1280, 800]);
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  await page.keyboard.press('?');
  await page.waitForSelector('#help-dialog');
  const text = await page.textContent('#help-dialog');
  for (const k of ['Space', '→', 'r', 'p', ', and .', 'f', '?', 'Ctrl+Z', 'Ctrl+Shift+Z', 'Esc']) {
    assert.ok(text.includes(k), `the help lacks ${k}`);
  }
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#help-dialog'));
  await ctx.close();
});

const AXE = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (WCAG A/AA and best practices). */
async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')} — ${v.help}`);
  });
}

for (const vp of [...DESKTOPS, ...PHONES]) {
  for (const scheme of ['light', 'dark']) {
    const [w, h] = vp;
    test(`axe-core: no violations at ${w}×${h}, ${scheme}`, async () => {
      // The audit script is injected by the test (bypassCSP lets it run; the page's own scripts
      // are unchanged).
      const ctx = await contextFor(vp, { colorScheme: scheme, bypassCSP: true });
      const page = await ctx.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#main-canvas[data-drawn="true"]');
      await page.waitForFunction(() => document.querySelectorAll('.thumb-canvas').length > 0);
      assert.deepEqual(await axe(page), [], `on load`);
      // Every panel's content, too.
      for (const p of PANELS) {
        await page.click(`#tab-${p}`);
        await page.waitForSelector(`#panel-${p}:not([hidden])`);
        assert.deepEqual(await axe(page), [], `with the ${p} panel`);
      }
      if (w === 1920) {
        await page.keyboard.press('f');
        await page.waitForSelector('.app.presenter');
        assert.deepEqual(await axe(page), [], 'in presenter mode');
      }
      await ctx.close();
    });
  }
}
