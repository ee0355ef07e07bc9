// The in-page bars of the continuous flows (issue 20), measured as a user meets them: the full app
// at 1280×800 opens `#v=1&mode=moons&K=1&layers=f&lr=0.001&clip=off&show=grid,particles,data` (one
// flow-matching layer on the 1,000-point moons preset, the reference's learning rate, the warped
// grid, particles and data drawn over the density), Train is clicked, and for 60 s the held-out
// NLL the training bar shows (exact, by the ODE) is read every 250 ms while every animation frame's
// time is recorded. Then Pause is clicked: how long until the paused model's density is on screen
// at ≥ 128². Then Play (the timeline is the ODE's time t), 6 s of frames: their intervals and the
// times shown. One JSON line.
//
// Run: `scripts/build.sh dist && node e2e/bench-continuous.mjs` (about 80 s). Not part of the test
// suite: a benchmark, not a test (docs/benchmarks.md).
import { serve, launch, openPage } from './harness.mjs';

const LINK = process.env.LINK || '#v=1&mode=moons&K=1&layers=f&lr=0.001&clip=off&show=grid,particles,data';
const TRAIN_S = Number(process.env.TRAIN_S || 60);
const PLAY_S = 6;

const pct = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const r1 = (x) => Math.round(x * 10) / 10;
const intervals = (ticks) => ticks.slice(1).map((t, i) => t - ticks[i]);
/** `{prefix}_frames` and the interval's p50, p95 and max (ms) of animation-frame times `ticks`. */
const frameStats = (prefix, ticks) => {
  const d = intervals(ticks);
  return {
    [`${prefix}_frames`]: d.length,
    [`${prefix}_interval_ms_p50`]: r1(pct(d, 0.5)),
    [`${prefix}_interval_ms_p95`]: r1(pct(d, 0.95)),
    [`${prefix}_interval_ms_max`]: r1(Math.max(...d)),
  };
};

const server = await serve();
const browser = await launch();
try {
  const { ctx, page, problems } = await openPage(browser, `${server.url}${LINK}`, { viewport: { width: 1280, height: 800 } });
  await page.waitForSelector('#main-canvas[data-drawn="true"]');
  // The worker starts a few frames after the first picture: let it.
  await page.waitForTimeout(2000);
  await page.evaluate(() => {
    window.__b = { ticks: [], nll: [] };
    const tick = (ts) => { window.__b.ticks.push(ts); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });

  // Training, 60 s.
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#train-button');
  await page.evaluate(([s]) => new Promise((done) => {
    const start = performance.now();
    const read = () => {
      const m = document.querySelector('#train-stats').textContent.match(/held-out NLL ([\d.]+)/);
      if (m) window.__b.nll.push([performance.now() - start, Number(m[1])]);
      if (performance.now() - start < s * 1000) setTimeout(read, 250); else done();
    };
    read();
  }), [TRAIN_S]);
  const train = await page.evaluate(() => window.__b);
  const trainTicks = train.ticks.filter((t) => t >= t0);
  const stepsText = await page.textContent('#train-stats');

  // Pause: until the paused model's density is shown at >= 128².
  const before = Number(await page.getAttribute('#main-canvas', 'data-pictures'));
  const tPause = await page.evaluate(() => performance.now());
  await page.click('#train-button');
  const shown = await page.waitForFunction((b) => {
    const c = document.querySelector('#main-canvas');
    return Number(c.getAttribute('data-pictures')) > b && Number(c.getAttribute('data-grid-n')) >= 128
      && performance.now();
  }, before, { timeout: 30000, polling: 'raf' }).then((h) => h.jsonValue());
  const grid = Number(await page.getAttribute('#main-canvas', 'data-grid-n'));

  // Play the time 0 → 1 (looping), 6 s.
  await page.$eval('#stage-slider', (el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForTimeout(500);
  const tPlay = await page.evaluate(() => {
    window.__b.stages = [];
    const seen = window.__b.stages;
    const look = () => { seen.push(Number(document.querySelector('#main-canvas').getAttribute('data-stage'))); if (seen.length < 2000) requestAnimationFrame(look); };
    requestAnimationFrame(look);
    return performance.now();
  });
  await page.click('button.play');
  await page.waitForTimeout(PLAY_S * 1000);
  await page.click('button.play');
  const play = await page.evaluate(() => window.__b);
  const playTicks = play.ticks.filter((t) => t >= tPlay + 200 && t <= tPlay + PLAY_S * 1000);
  const stages = play.stages.filter((s) => Number.isFinite(s));

  const at = (s) => train.nll.filter(([t]) => t <= s * 1000).at(-1)?.[1] ?? null;
  const firstBelow = train.nll.find(([, v]) => v <= 2.52);
  console.log(JSON.stringify({
    scenario: 'continuous_page',
    link: LINK,
    train_s: TRAIN_S,
    ...frameStats('train', trainTicks),
    heldout_nll_at_s: Object.fromEntries([10, 20, 30, 45, 60].filter((s) => s <= TRAIN_S).map((s) => [s, at(s)])),
    seconds_to_2_52: firstBelow ? r1(firstBelow[0] / 1000) : null,
    stats_at_pause: stepsText.trim().replace(/\s+/g, ' '),
    pause_to_density_s: Math.round(shown - tPause) / 1000,
    pause_density_grid_n: grid,
    play_s: PLAY_S,
    ...frameStats('play', playTicks),
    play_stages_distinct: new Set(stages.map((s) => s.toFixed(2))).size,
    play_stage_min_max: [Math.min(...stages), Math.max(...stages)],
    console_problems: problems.length,
  }));
  await ctx.close();
} finally {
  await browser.close();
  await server.close();
}
