#!/usr/bin/env node
// dist/embed.html: the app as one self-contained file for course platforms (README, "Embed it in
// a course platform"). Canvas, Moodle and the like frame third-party pages with
// sandbox="allow-scripts" (no allow-same-origin): an opaque origin, from which the app's module
// script, loader and .wasm are cross-origin requests that a host without CORS headers refuses.
// This file fetches nothing: the wasm-bindgen glue and boot.js are bundled by esbuild into one
// classic inline script, the WebAssembly is inlined as base64 (decoded and compiled from bytes),
// the CSS is inlined, and a Content-Security-Policy allows exactly that (the script's and the
// style's hashes, 'wasm-unsafe-eval', blob: workers for training). Run after the release build:
//   node scripts/embed-html/build.mjs DIST
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] || 'dist');
const files = readdirSync(dist);
const one = (what, ok) => {
  const found = files.filter(ok);
  if (found.length !== 1) throw new Error(`embed-html: expected one ${what} in ${dist}, found ${found.length}`);
  return join(dist, found[0]);
};
const glue = one('wasm-bindgen glue', (f) => f.endsWith('.js') && f !== 'loader.js' && f !== 'boot.js' && !f.startsWith('worker-'));
const wasm = one('.wasm', (f) => f.endsWith('_bg.wasm'));
const css = one('.css', (f) => f.endsWith('.css'));

const bundled = await build({
  entryPoints: [join(here, 'boot.js')],
  alias: { 'flow-glue': glue },
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  write: false,
  legalComments: 'none',
  // The glue's default path (import.meta.url) is never used: the module comes as bytes.
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
});
const script = bundled.outputFiles[0].text.trim();
if (/<\/script/i.test(script)) throw new Error('embed-html: the script contains </script');
const style = readFileSync(css, 'utf8').trim();
if (/<\/style/i.test(style)) throw new Error('embed-html: the CSS contains </style');
const sha = (t) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha(script)} 'wasm-unsafe-eval'`,
  'worker-src blob:',
  `style-src ${sha(style)}`,
  "style-src-attr 'unsafe-inline'",
  'img-src data: blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// The two <meta> placeholders are what src/state/embed_file.rs bakes a downloaded file's app
// address and state into: keep them byte for byte.
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="flow-playground-app" content="./">
<meta name="flow-playground-state" content="">
<title>Flow Playground — normalizing flows, layer by layer</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<div id="boot" class="boot" role="status"><p class="boot-title">Flow Playground</p><div class="boot-canvas"><span class="boot-note">loading…</span></div></div>
<noscript>Flow Playground needs JavaScript and WebAssembly to draw its densities.</noscript>
<script type="application/octet-stream" id="flow-wasm">${readFileSync(wasm).toString('base64')}</script>
<script>${script}</script>
</body>
</html>
`;
writeFileSync(join(dist, 'embed.html'), html);
