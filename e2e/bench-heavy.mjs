// The heavy-state scenario of the bench (issue 19): an article embeds the app's own snippet and
// sends it `flow:load` with 64 spline coupling layers (`64n`) or 64 affine ones (`64a`), as a
// reader's page would. The app's animation frames are measured from the command until the main
// picture is refined to 256² and the filmstrip is current: rAF-to-rAF intervals (p95, longest)
// the long tasks (over 50 ms) and when the first picture, the first ≥ 96² one and the 256² one
// were shown. One JSON line.
import { articleKit } from './article.mjs';

/** Measures one variant; resolves to its JSON line. */
export async function heavyScenario(browser, url, { layers, timeoutMs = 90000 }) {
  const kit = articleKit(browser, { url });
  const { ctx, send, page } = await kit.drivingArticle();
  try {
    // The embed has just said ready: its worker may still be compiling the module on the other
    // core. Measure the command, not the start.
    await page.waitForTimeout(2000);
    const app = kit.appFrame(page);
    const before = await app.evaluate(() => document.querySelector('#main-canvas').getAttribute('data-pictures'));
    await app.evaluate((before) => {
      window.__heavy = { ticks: [], shown: [], tasks: [] };
      // Long tasks (over 50 ms) of the app's frame: the work of one task, where a rAF interval
      // is rounded up to whole refresh periods.
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__heavy.tasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
      let last = before;
      const tick = (ts) => {
        const h = window.__heavy;
        h.ticks.push(ts);
        const c = document.querySelector('#main-canvas');
        const count = c.getAttribute('data-pictures');
        if (count !== last) { last = count; h.shown.push([ts, Number(c.getAttribute('data-grid-n')), c.getAttribute('data-stage')]); }
        if (!h.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, before);
    const t0 = await app.evaluate(() => performance.now());
    await send({ type: 'flow:load', config: `v=1&K=64&layers=64${layers}` });
    // Refined to 256² at the last stage, and every thumbnail of the 65 stages drawn since.
    await app.waitForFunction(() => {
      const h = window.__heavy;
      const fine = h.shown.find(([, n, s]) => n >= 256 && s === '64.0000');
      return fine && document.querySelectorAll('canvas.thumb-canvas').length > 0;
    }, null, { timeout: timeoutMs, polling: 200 });
    // The filmstrip: a second after the picture, give the slices time to finish, then stop.
    await page.waitForTimeout(3000);
    const h = await app.evaluate(() => { window.__heavy.stop = true; return window.__heavy; });
    const ticks = h.ticks.filter((t) => t >= t0);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]).sort((a, b) => a - b);
    const at = (q) => gaps[Math.min(gaps.length - 1, Math.ceil(q * gaps.length) - 1)];
    const when = (pred) => { const s = h.shown.find(pred); return s ? Number(((s[0] - t0) / 1000).toFixed(2)) : null; };
    return JSON.stringify({
      scenario: `heavy_64${layers}`, impl: 'wasm', frames: gaps.length,
      frame_interval_ms_p50: Number(at(0.5).toFixed(1)), frame_interval_ms_p95: Number(at(0.95).toFixed(1)),
      frame_interval_ms_max: Number(gaps[gaps.length - 1].toFixed(1)),
      long_tasks_ms: h.tasks.filter(([t]) => t >= t0).map(([, d]) => Math.round(d)),
      first_picture_s: when(([, , s]) => s === '64.0000'),
      first_96_s: when(([, n, s]) => n >= 96 && s === '64.0000'),
      picture_256_s: when(([, n, s]) => n >= 256 && s === '64.0000'),
      pictures: h.shown.filter(([, , s]) => s === '64.0000').map(([, n]) => n),
      note: `the app's embed snippet on another origin, sent flow:load with K=64 layers=64${layers}; rAF intervals in the app's frame from the command until 3 s after its 256² picture`,
    });
  } finally {
    await ctx.close();
    await kit.close();
  }
}
