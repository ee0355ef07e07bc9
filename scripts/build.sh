#!/usr/bin/env bash
# The release build, one definition for every user of it: scripts/serve.sh, scripts/test.sh,
# scripts/bench.sh and the GitHub Pages workflow (.github/workflows/pages.yml).
#   scripts/build.sh [DIST]      (default: dist/)
# Runs `trunk build --release` (offline; wasm-opt -Oz via index.html; the post-build hook moves
# the loader out of index.html and repairs binaryen < 110's table export) into DIST, then prints
# the bundle's sizes. Builds into different DIST directories may run at once (serve and test in
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
scripts/bundle-size.sh "$dist" --report
