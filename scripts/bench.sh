#!/usr/bin/env bash
# The benchmarks of shared/bench/SCENARIOS.md in one run, one JSON line per scenario on stdout:
#   1. native engine: cargo run --release --example bench -- --scenario all   ("impl": "native")
#   2. in headless Chromium: the release app opened at #bench (engine scenarios compiled to wasm,
#      "impl": "wasm", then the UI scenarios train, scrub, drag), via e2e/bench-run.mjs, and
#      (not with --quick) a continuous flow trained and played in the page, e2e/bench-continuous.mjs
#   3. the JAX peer (../shared/bench/peer_jax.py), if ~/peer/bin/python exists
#      (python3 -m venv ~/peer && ~/peer/bin/pip install jax)
# Usage: scripts/bench.sh [--quick]   (--quick: short wasm/UI workload and 200 native steps)
# BENCH_DIST=dir picks the dist directory (default dist/); it is (re)built when missing or older
# than the sources. The machine is printed to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
quick=""
steps=2000
if [ "${1:-}" = "--quick" ]; then quick="--quick"; steps=200; fi
dist=${BENCH_DIST:-dist}
peer=${PEER_JAX:-../shared/bench/peer_jax.py}

echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2

echo "# native" >&2
cargo run --release -q --example bench -- --scenario all --steps "$steps"

if [ ! -f "$dist/index.html" ] || [ -n "$(find src engine app assets index.html Cargo.toml Cargo.lock Trunk.toml .cargo -newer "$dist/index.html" -print -quit)" ]; then
  echo "# building $dist (scripts/build.sh)" >&2
  scripts/build.sh "$dist" >&2
fi
echo "# wasm in headless Chromium (#bench$([ -n "$quick" ] && echo '&quick'))" >&2
E2E_DIST="$(realpath "$dist")" node e2e/bench-run.mjs $quick
if [ -z "$quick" ]; then
  echo "# a continuous flow in the page (e2e/bench-continuous.mjs, ~80 s)" >&2
  E2E_DIST="$(realpath "$dist")" node e2e/bench-continuous.mjs
fi

if [ -x "$HOME/peer/bin/python" ] && [ -f "$peer" ]; then
  echo "# JAX peer ($peer)" >&2
  "$HOME/peer/bin/python" "$peer" --steps "$steps"
else
  echo "# JAX peer skipped (needs ~/peer/bin/python with jax and $peer)" >&2
fi
