#!/usr/bin/env bash
# Copies the app's single-file build into the Python package as package data, where the notebook
# widget (python/flow_playground/widget.py) finds it: DIST/embed.html ->
# python/flow_playground/static/embed.html (git-ignored: built, never committed). Run after
# scripts/build.sh and before `pip install ./python`; scripts/test-python.sh runs it.
#   scripts/python-assets.sh [DIST]      (default: dist/)
# Exits 0 having copied it, 1 (with the reason) if DIST has no embed.html.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
out=python/flow_playground/static
if [ ! -s "$dist/embed.html" ]; then
  echo "python-assets: $dist/embed.html is missing (run scripts/build.sh $dist)" >&2
  exit 1
fi
mkdir -p "$out"
if ! cmp -s "$dist/embed.html" "$out/embed.html"; then
  cp "$dist/embed.html" "$out/embed.html"
fi
echo "python-assets: $out/embed.html ($(wc -c <"$out/embed.html") bytes)"
