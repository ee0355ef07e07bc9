#!/usr/bin/env bash
# The release build, one definition for every user of it: scripts/serve.sh, scripts/test.sh,
# scripts/bench.sh and the GitHub Pages workflow (.github/workflows/pages.yml).
#   scripts/build.sh [DIST]      (default: dist/)
# Runs `trunk build --release` (offline; wasm-opt -Oz via index.html; the post-build hook moves
# the loader out of index.html and repairs binaryen < 110's table export) into DIST, then prints
# the bundle's sizes. Then writes the single-file embed DIST/embed.html
# (scripts/embed-html/build.mjs). Builds into different DIST directories may run at once (serve and test in
# one checkout): they take turns on a lock, since Trunk writes wasm-bindgen's and wasm-opt's
# intermediate files to fixed paths under the cargo target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
dist=${1:-dist}
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target"
exec 9>"$target/.flow-playground-build.lock"
if ! flock -n 9; then
  echo "[build] another build of this checkout is running; waiting for it" >&2
  flock 9
fi
trunk build --release --dist "$dist"
# The single-file embed for course platforms (dist/embed.html: everything inlined; not part of
# the bundle a visitor of the app downloads). Needs node and esbuild (scripts/setup.sh).
if command -v node >/dev/null && [ -d node_modules/esbuild ]; then
  node scripts/embed-html/build.mjs "$dist"
  printf 'embed.html (gzip -9): %s kB (%s kB raw)\n' \
    "$(gzip -9 -c "$dist/embed.html" | wc -c | awk '{printf "%.1f", $1 / 1000}')" \
    "$(wc -c <"$dist/embed.html" | awk '{printf "%.1f", $1 / 1000}')"
else
  echo "[build] node or esbuild missing (scripts/setup.sh installs them): no embed.html" >&2
fi
scripts/bundle-size.sh "$dist" --report
