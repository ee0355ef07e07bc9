#!/usr/bin/env bash
# The bundle a visitor downloads, gzipped (`gzip -9`): the WebAssembly, the JavaScript (the
# wasm-bindgen glue and loader.js) and the CSS of a release build.
#   scripts/bundle-size.sh [DIST] [--report]
# Prints the three sizes and their total in kB (1 kB = 1,000 bytes, as the README reports them);
# fails above the budget (BUDGET_KB, default 520 = 520,000 bytes; README, "Bundle size") unless
# --report is given.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
budget_kb=${BUDGET_KB:-520}
report_only=0
[ "${2:-}" = --report ] && report_only=1
gz() { local n=0 f; for f in "$@"; do [ -f "$f" ] && n=$((n + $(gzip -9 -c "$f" | wc -c))); done; echo "$n"; }
raw() { local n=0 f; for f in "$@"; do [ -f "$f" ] && n=$((n + $(wc -c <"$f"))); done; echo "$n"; }
shopt -s nullglob
wasm=("$dist"/*.wasm)
js=("$dist"/*.js)
css=("$dist"/*.css)
if [ ${#wasm[@]} = 0 ] || [ ${#js[@]} = 0 ]; then
  echo "bundle-size: no .wasm or .js in $dist (build it first: scripts/build.sh $dist)" >&2
  exit 1
fi
w=$(gz "${wasm[@]}"); j=$(gz "${js[@]}"); c=$(gz "${css[@]}")
total=$((w + j + c))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f kB", b / 1000 }'; }
printf 'bundle (gzip -9): wasm %s (%s raw), js %s (%s raw), css %s (%s raw); total %s (budget %d kB)\n' \
  "$(kb "$w")" "$(kb "$(raw "${wasm[@]}")")" "$(kb "$j")" "$(kb "$(raw "${js[@]}")")" \
  "$(kb "$c")" "$(kb "$(raw "${css[@]}")")" "$(kb "$total")" "$budget_kb"
if [ "$report_only" = 0 ] && [ "$total" -gt $((budget_kb * 1000)) ]; then
  echo "bundle-size: FAILED: $total bytes gzipped is over the $budget_kb kB budget" >&2
  exit 1
fi
