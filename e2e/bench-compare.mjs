// The comparison scenario of the bench (issue 19): the lesson "Why coupling flows won" (planar
// K = 32, affine K = 8 and spline K = 4 trained side by side, and the main flow), started as a
// user starts it (Lessons tab, its button), then the page's animation frames measured for
// `seconds`: rAF-to-rAF intervals (p50, p95, longest) and frames per second, with Chromium's CPU
// throttled `rate`× (Emulation.setCPUThrottlingRate: it slows the page's thread; the worker
// runs in its own thread, which the emulation does not slow) — with the worker, and without
// (`?noworker`). One JSON line each.
import { openPage, openTab } from './harness.mjs';

/** Measures one variant; resolves to its JSON line. */
export async function compareScenario(browser, url, { worker, rate, seconds }) {
  const { ctx, page, problems } = await openPage(browser, worker ? url : `${url}?noworker`);
  try {
    await openTab(page, 'lessons');
    await page.click('[data-lesson="coupling-won"]');
    await page.waitForFunction(() => /steps\/s/.test(document.querySelector('#train-stats').textContent), null, { timeout: 30000 });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const stepsOf = () => page.evaluate(() => Number(document.querySelector('#train-stats').textContent.match(/step (\d+)/)?.[1] ?? 0));
    const step0 = await stepsOf();
    const ticks = await page.evaluate((ms) => new Promise((done) => {
      const t = [];
      const tick = (ts) => { t.push(ts); if (ts - t[0] < ms) requestAnimationFrame(tick); else done(t); };
      requestAnimationFrame(tick);
    }), seconds * 1000);
    const steps = (await stepsOf()) - step0;
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]).sort((a, b) => a - b);
    const at = (q) => gaps[Math.min(gaps.length - 1, Math.ceil(q * gaps.length) - 1)];
    const span = (ticks[ticks.length - 1] - ticks[0]) / 1000;
    return JSON.stringify({
      scenario: 'compare_families', impl: 'wasm', worker, cpu_throttle: rate, seconds: Number(span.toFixed(2)),
      frames_per_s: Number((gaps.length / span).toFixed(1)),
      frame_interval_ms_p50: Number(at(0.5).toFixed(1)), frame_interval_ms_p95: Number(at(0.95).toFixed(1)),
      frame_interval_ms_max: Number(gaps[gaps.length - 1].toFixed(1)),
      main_steps_per_s: Number((steps / span).toFixed(1)),
      problems: problems.length,
      note: 'lesson "Why coupling flows won" started from its button, the three compared flows and the main flow training; rAF intervals measured in the page',
    });
  } finally {
    await ctx.close();
  }
}
