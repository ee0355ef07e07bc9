#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): moves the module loader that Trunk inlines into
# index.html out into ./loader.js, so the page's Content-Security-Policy (index.html) can allow
# scripts from the page's own origin only ('self' + 'wasm-unsafe-eval'), with no inline script
# and no per-build hash. Pure bash: works on a fresh machine with nothing else installed.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
f="$dir/index.html"
html=$(<"$f")
open='<script type="module">'
close='</script>'
if [[ $html != *"$open"* ]]; then
  echo "trunk-post-build: no inline module loader in index.html (nothing to move)" >&2
  exit 0
fi
before=${html%%"$open"*}
rest=${html#*"$open"}
script=${rest%%"$close"*}
after=${rest#*"$close"}
if [[ $after == *"$open"* ]]; then
  echo "trunk-post-build: more than one inline module script; refusing to guess" >&2
  exit 1
fi
printf '%s\n' "$script" > "$dir/loader.js"
printf '%s<script type="module" src="./loader.js"></script>%s\n' "$before" "$after" > "$f"
