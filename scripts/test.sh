#!/usr/bin/env bash
# Command 2: every test, in order, stopping at the first failure. Ends with "N passed, N failed".
#   1 rustfmt   2 clippy (native + wasm32)   3 native cargo test   4 wasm-bindgen-test in headless
#   Chromium   5 release build (scripts/build.sh dist)   6 bundle size (<= 520 kB gzipped)
#   7 Playwright end-to-end tests of the app against dist/ on loopback   8 harness tests: the
#   #bench page runner (e2e/bench.test.mjs checks the benchmark harness, not the product)
#   9 the Python package (python/, scripts/test-python.sh: a cached virtual environment with
#   numpy, PyTorch, JupyterLab and pytest, installed on first use)   10 the notebook widget in a
#   real JupyterLab (scripts/test-widget.sh: e2e/notebook.test.mjs)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-60}

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

summary() { echo; echo "summary: $passed passed, $failed failed"; }
stage() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAILED: $1"; [ "$failed" -gt 0 ] || failed=1; summary; exit 1; }

# Count "test result: ok. N passed; M failed" lines of cargo test output.
count_cargo() {
  local p f
  p=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}

stage "setup (installs only what is missing)"
scripts/setup.sh || fail "setup"

stage "1/10 cargo fmt --check"
cargo fmt --all -- --check || fail "cargo fmt --check (run: cargo fmt)"

stage "2/10 clippy, warnings are errors (native lib/tests/examples, then wasm32 app)"
cargo clippy --all-targets -q -- -D warnings || fail "clippy (native)"
cargo clippy --target wasm32-unknown-unknown --lib --bins -q -- -D warnings || fail "clippy (wasm32)"

stage "3/10 native cargo test (unit + integration)"
cargo test 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_cargo
[ "$rc" = 0 ] || fail "native cargo test"

stage "4/10 wasm-bindgen-test in headless Chromium"
cargo test --target wasm32-unknown-unknown --test web 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_cargo
[ "$rc" = 0 ] || fail "wasm-bindgen-test"

stage "5/10 release build (scripts/build.sh dist: trunk build --release, wasm-opt)"
scripts/build.sh dist 2>&1 | tail -n 5
[ "${PIPESTATUS[0]}" = 0 ] || fail "release build (scripts/build.sh)"

stage "6/10 bundle size: wasm + JS + CSS, gzip -9, at most 520 kB"
if scripts/bundle-size.sh dist; then passed=$((passed + 1)); else failed=$((failed + 1)); fail "bundle size over budget"; fi

# Count node --test's "# pass N" / "# fail N" lines.
count_node() {
  local p f
  p=$(grep -E '^# pass [0-9]+' "$log" | awk '{print $3}'); f=$(grep -E '^# fail [0-9]+' "$log" | awk '{print $3}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  echo "$1: ${p:-0} passed, ${f:-0} failed"
}

stage "7/10 Playwright end-to-end tests of the app (dist/ on 127.0.0.1, Debian Chromium)"
product=()
for f in e2e/*.test.mjs; do
  case "$f" in e2e/bench.test.mjs | e2e/notebook.test.mjs) ;; *) product+=("$f") ;; esac
done
node --test --test-concurrency=1 "${product[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_node "end-to-end tests of the app"
[ "$rc" = 0 ] || fail "end-to-end tests"

stage "8/10 harness tests (the #bench page runner: e2e/bench.test.mjs)"
node --test --test-concurrency=1 e2e/bench.test.mjs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_node "harness tests"
[ "$rc" = 0 ] || fail "harness tests"

stage "9/10 the Python package (scripts/test-python.sh: pytest against the engine's values)"
scripts/test-python.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_cargo
[ "$rc" = 0 ] || fail "python tests"

stage "10/10 the notebook widget in JupyterLab (scripts/test-widget.sh: e2e/notebook.test.mjs)"
E2E_DIST=dist scripts/test-widget.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count_node "notebook widget tests"
[ "$rc" = 0 ] || fail "notebook widget tests"

summary
