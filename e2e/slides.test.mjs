// Slides (README, "Embed it in slides"): docs/slides-example.html, a reveal.js deck whose second
// slide embeds the app. The deck keeps its keys: with the embed on screen but not focused, → goes
// on; clicked into (focus in the frame, on no control), the embed hands → and ← back to the deck
// (flow:key); a focused control (the stage slider) keeps its arrows; Esc gives the focus back.
// reveal.js unloads the iframe when its slide is left and reloads it on the next visit: the
// reloaded embed shows its picture again (timed from the slide change to flow:ready, which the
// embed posts after its first drawn frame).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, root } from './harness.mjs';

let app, site, browser;
before(async () => {
  app = await serve();
  // The checkout's root: docs/ and node_modules/reveal.js, on another origin than the app.
  site = await serve(root);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
  await site?.close();
});

const slideOf = (page) => page.evaluate(() => Reveal.getIndices().h);
const waitSlide = (page, h) => page.waitForFunction((n) => Reveal.getIndices().h === n, h);

async function openDeck() {
  // reveal.js's own size (960×700): at scale 1 it lays out without CSS zoom, which Playwright's
  // clicks into a frame do not account for.
  const ctx = await browser.newContext({ viewport: { width: 960, height: 700 } });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await page.addInitScript(() => {
    window.flowEvents = [];
    addEventListener('message', (e) => { if (e.data?.type) window.flowEvents.push({ at: performance.now(), ...e.data }); });
  });
  await page.goto(`${site.url}docs/slides-example.html?app=${encodeURIComponent(app.url)}`);
  await page.waitForFunction(() => window.Reveal?.isReady());
  return { ctx, page, problems };
}

/** Shows slide `h` and waits until its embed (a fresh frame) has drawn; ms from the slide change
 *  to the embed's flow:ready (after its first drawn frame). */
async function showEmbed(page, h) {
  const t0 = await page.evaluate((n) => { const t = performance.now(); Reveal.slide(n); return t; }, h);
  const ready = await page.waitForFunction((t) => window.flowEvents.find((e) => e.type === 'flow:ready' && e.at > t), t0, { timeout: 30000 });
  const at = (await ready.jsonValue()).at;
  await page.frameLocator('#demo iframe').locator('#main-canvas[data-drawn="true"]').waitFor();
  return at - t0;
}

test('the deck keeps its keys: → advances past the embed, focused or not; a focused slider keeps its arrows; Esc gives focus back', async () => {
  const { ctx, page, problems } = await openDeck();
  await page.keyboard.press('ArrowRight');
  await waitSlide(page, 1);
  await showEmbed(page, 1);
  await shot(page, 'slides-embed');
  // Not focused: the key is the deck's.
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY');
  await page.keyboard.press('ArrowRight');
  await waitSlide(page, 2);
  await page.keyboard.press('ArrowLeft');
  await waitSlide(page, 1);
  await showEmbed(page, 1);
  // Clicked into the picture: the focus is in the frame, and the embed hands the key back.
  const frame = page.frameLocator('#demo iframe');
  // (On the stage caption, not a control; force: the embed's hidden panel column lies over it.)
  await frame.locator('#stage-info').click({ force: true });
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'IFRAME');
  await page.keyboard.press('ArrowRight');
  await waitSlide(page, 2);
  assert.ok(await page.evaluate(() => window.flowEvents.some((e) => e.type === 'flow:key' && e.key === 'ArrowRight')));
  await page.keyboard.press('ArrowLeft');
  await waitSlide(page, 1);
  await showEmbed(page, 1);
  // A focused control keeps the keys it uses: the stage slider moves, the deck stays.
  const slider = frame.locator('#stage-slider');
  await slider.focus();
  const before = Number(await slider.inputValue());
  await page.keyboard.press('ArrowLeft');
  assert.ok(Number(await slider.inputValue()) < before, 'the slider did not move');
  assert.equal(await slideOf(page), 1);
  // Esc: the embed lets go of the focus and the deck has it again.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement.tagName !== 'IFRAME' && document.hasFocus());
  await page.keyboard.press('ArrowRight');
  await waitSlide(page, 2);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});

test('a reloaded embed shows its picture again from a warm cache (reported)', async () => {
  const { ctx, page, problems } = await openDeck();
  const cold = await showEmbed(page, 1);
  const warm = [];
  for (let i = 0; i < 4; i++) {
    await page.evaluate(() => Reveal.slide(2));
    // reveal.js unloaded the frame: no app is left running off screen.
    await page.waitForFunction(() => !document.querySelector('#demo iframe').getAttribute('src'));
    warm.push(await showEmbed(page, 1));
  }
  warm.sort((a, b) => a - b);
  console.log(`slide shown -> embed's first picture: first visit ${cold.toFixed(0)} ms; revisits ${warm.map((t) => t.toFixed(0)).join(', ')} ms`);
  // Generous: the bar is ~1 s; a loaded CI machine must not make this flaky.
  assert.ok(warm[1] < 3000, `revisits took ${warm} ms`);
  assert.deepEqual(problems, [], problems.join('\n'));
  await ctx.close();
});
