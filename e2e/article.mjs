// An article on another origin that embeds the app's own snippet and drives it (the control API
// tests of embed.test.mjs and the worker's embed test): helpers bound to one browser and one app
// server. The articles' servers are closed by `close()`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, watchConsole, openPage, openTab, frames } from './harness.mjs';

export function articleKit(browser, app) {
  const articles = [];
  /** The embed snippet the app writes for its default state. */
  async function snippet() {
    const { ctx, page } = await openPage(browser, app.url);
    await openTab(page, 'share');
    await page.click('#embed-button');
    await page.waitForSelector('#share-text');
    const text = await page.inputValue('#share-text');
    await ctx.close();
    return text;
  }

  /** Serves `files` ({ name: html }) from a fresh directory on a second port: another origin. */
  async function article(files) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-article-'));
    // (An icon of its own, so the article's origin is not asked for /favicon.ico.)
    for (const [name, html] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), html.replace('<!doctype html>', '<!doctype html><link rel="icon" href="data:,">'));
    const s = await serve(dir);
    articles.push(s);
    return s;
  }

  // The article's side of the API: every message from the embed is kept with its arrival time.
  const ARTICLE_SCRIPT = `<script>
    window.events = [];
    addEventListener('message', (e) => {
      const frame = document.querySelector('iframe[title^="Flow Playground"]');
      if (e.source === frame.contentWindow) events.push({ at: performance.now(), ...e.data });
    });
    window.send = (msg) => document.querySelector('iframe[title^="Flow Playground"]').contentWindow.postMessage(msg, '*');
  </script>`;

  /** An article on its own origin that embeds the Share panel's snippet (changed by `edit`) after
   *  `before` (HTML) and drives it with ARTICLE_SCRIPT, opened in a fresh context once the embed
   *  is ready. */
  async function drivingArticle(before = '', viewport = { width: 1000, height: 900 }, edit = (code) => code) {
    const code = edit(await snippet());
    const site = await article({ 'index.html': `<!doctype html><title>Article</title>${ARTICLE_SCRIPT}${before}${code}` });
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await page.goto(site.url);
    const ready = await waitEvent(page, 'flow:ready');
    const send = (msg) => page.evaluate((m) => window.send(m), msg);
    return { ctx, page, problems, ready, send };
  }

  const frameOf = (page) => page.frameLocator('iframe[title^="Flow Playground"]');
  /** Waits for an event of `type` (matching `pred`) after index `from`; returns it. */
  const waitEvent = (page, type, pred = 'true', from = 0) => page.waitForFunction(
    ([t, p, i]) => window.events.slice(i).find((e) => e.type === t && new Function('e', `return ${p}`)(e)),
    [type, pred, from], { timeout: 20000 },
  ).then((h) => h.jsonValue());
  const eventCount = (page) => page.evaluate(() => window.events.length);
  /** The app's frame inside the article (a Playwright Frame: it runs code in the frame's origin). */
  const appFrame = (page) => page.frames().find((f) => f.url().startsWith(app.url));
  /** The embed's state as its link (the app writes it to the frame's address a few times a second). */
  const linkOf = async (page) => {
    const h = await appFrame(page).evaluate(() => location.hash);
    return Object.fromEntries(h.slice(1).split('&').map((kv) => kv.split('=')));
  };
  /** Waits until the frame's link has `key=value`. */
  const waitLink = (page, key, value) => appFrame(page).waitForFunction(
    ([k, v]) => location.hash.slice(1).split('&').includes(`${k}=${v}`), [key, value], { timeout: 20000 },
  );
  const sliderOf = (page) => frameOf(page).locator('#stage-slider');
  const stageOf = async (page) => Number(await sliderOf(page).inputValue());
  /** Two animation frames of the app. */
  const appFrames = (page) => frames(appFrame(page));

  /** Closes `server` with the articles' servers. */
  const adopt = (server) => { articles.push(server); return server; };
  const close = async () => { for (const a of articles) await a.close(); };
  return { snippet, article, drivingArticle, frameOf, waitEvent, eventCount, appFrame, linkOf, waitLink, sliderOf, stageOf, appFrames, adopt, close };
}
