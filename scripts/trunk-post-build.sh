#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml), four jobs, bash + coreutils (+ esbuild from npm for the fourth):
#
# 1. Moves the module loader that Trunk inlines into index.html out into ./loader.js, so the
#    page's Content-Security-Policy (index.html) can allow scripts from the page's own origin only
#    ('self' + 'wasm-unsafe-eval'), with no inline script and no per-build hash.
# 2. Repairs the WebAssembly's exported externref table after wasm-opt. Binaryen up to version
#    109 (Debian 12 ships 108) writes every table export as table 0 (binaryen issue #4711, fixed
#    in 110), so `__wbindgen_externrefs` would name the function table and the page would fail
#    at start ("WebAssembly.Table.set(): Argument 1 is invalid for table"). The repair points the
#    export back at the module's externref table; it does nothing when the export is right.
# 3. Writes the worker's entry script (worker-<hash>.js) and names it in index.html, so the page
#    can start its training worker on the same module (src/ui/worker).
# 4. Minifies wasm-bindgen's JS glue with esbuild (installed from npm by scripts/setup.sh), when
#    it is there: 10.1 -> 7.9 kB gzipped.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

# ---- 1. the loader ---------------------------------------------------------------------------
f="$dir/index.html"
html=$(<"$f")
open='<script type="module">'
# (Trunk's minified HTML drops the quotes.)
[[ $html == *"$open"* ]] || open='<script type=module>'
close='</script>'
if [[ $html != *"$open"* ]]; then
  echo "trunk-post-build: no inline module loader in index.html (nothing to move)" >&2
else
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
fi

# ---- 2. the externref table export -----------------------------------------------------------
# Reads the module's section headers, its table section and its export section with `od`
# (a handful of reads per section or export: milliseconds).
byte() { od -An -tu1 -j "$1" -N1 "$wasm" | tr -d ' \n'; }
# LEB128 at offset $1: sets `val` and `next` (the offset after it).
leb() {
  local at=$1 shift_=0 b
  val=0
  while :; do
    b=$(byte "$at")
    at=$((at + 1))
    val=$((val | ((b & 127) << shift_)))
    shift_=$((shift_ + 7))
    [ "$b" -ge 128 ] || break
  done
  next=$at
}
fix_table_export() {
  wasm=$1
  local size at id len end tables_at="" exports_at="" n i type flags ext=-1
  size=$(wc -c <"$wasm")
  at=8
  while [ "$at" -lt "$size" ]; do
    id=$(byte "$at")
    leb $((at + 1)); len=$val; at=$next; end=$((at + len))
    case $id in
      4) tables_at=$at ;;
      7) exports_at=$at ;;
    esac
    at=$end
  done
  [ -n "$tables_at" ] && [ -n "$exports_at" ] || return 0
  # The first externref (0x6f) table.
  leb "$tables_at"; n=$val; at=$next
  for ((i = 0; i < n; i++)); do
    type=$(byte "$at"); flags=$(byte $((at + 1)))
    if [ "$type" = 111 ] && [ "$ext" -lt 0 ]; then ext=$i; fi
    leb $((at + 2)); at=$next
    if [ $((flags & 1)) = 1 ]; then leb "$at"; at=$next; fi
  done
  [ "$ext" -ge 0 ] && [ "$ext" -lt 128 ] || return 0
  # The `__wbindgen_externrefs` export (kind 1, a table) must name it.
  leb "$exports_at"; n=$val; at=$next
  for ((i = 0; i < n; i++)); do
    leb "$at"; len=$val
    local name
    name=$(dd if="$wasm" bs=1 skip="$next" count="$len" status=none)
    at=$((next + len))
    local kind
    kind=$(byte "$at")
    leb $((at + 1))
    if [ "$name" = __wbindgen_externrefs ] && [ "$kind" = 1 ] && [ "$val" != "$ext" ]; then
      if [ $((next - at - 1)) != 1 ]; then
        echo "trunk-post-build: cannot repair $name (multi-byte table index)" >&2
        return 1
      fi
      printf "\\$(printf '%03o' "$ext")" | dd of="$wasm" bs=1 seek=$((at + 1)) conv=notrunc status=none
      echo "trunk-post-build: $(basename "$wasm"): export $name repaired: table $val -> $ext (wasm-opt < 110)" >&2
    fi
    at=$next
  done
}
for w in "$dir"/*_bg.wasm; do
  [ -f "$w" ] && fix_table_export "$w"
done

# ---- 3. the worker's entry ----------------------------------------------------------------------
# A module worker that imports the same glue and instantiates the same .wasm (from the HTTP cache);
# the module's start function sees no window and runs the worker's end. Its name carries the
# glue's hash, so a cached page never starts a worker of another build.
glue=""
for js in "$dir"/*.js; do
  case "$(basename "$js")" in loader.js | boot.js | worker-*.js) ;; *) glue=$(basename "$js") ;; esac
done
wasm_file=""
for w in "$dir"/*_bg.wasm; do wasm_file=$(basename "$w"); done
if [ -n "$glue" ] && [ -n "$wasm_file" ]; then
  rm -f "$dir"/worker-*.js
  hash=${glue%.js}; hash=${hash##*-}
  worker="worker-$hash.js"
  printf 'import init from "./%s";\ninit({ module_or_path: new URL("./%s", import.meta.url) });\n' \
    "$glue" "$wasm_file" > "$dir/$worker"
  html=$(<"$f")
  meta="<meta name=\"flow-playground-worker\" content=\"./$worker\">"
  printf '%s\n' "${html/<\/head>/$meta</head>}" > "$f"
else
  echo "trunk-post-build: no glue or wasm found: the app will train on the page's thread" >&2
fi

# ---- 4. the JS glue, minified ------------------------------------------------------------------
# wasm-bindgen's glue (~60 kB of readable JS) is shipped as it is by Trunk; esbuild (npm, installed
# by scripts/setup.sh) minifies it as an ES module, keeping its exports: 10.1 -> 7.9 kB gzipped.
# Without esbuild (npm missing) the build still works, with the glue as it is.
esbuild="${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}/node_modules/.bin/esbuild"
if [ -x "$esbuild" ]; then
  for js in "$dir"/*.js; do
    case "$(basename "$js")" in loader.js | worker-*.js) continue ;; esac
    "$esbuild" "$js" --minify --format=esm --log-level=warning --allow-overwrite --outfile="$js"
  done
else
  echo "trunk-post-build: esbuild not installed (scripts/setup.sh installs it): the JS glue is not minified" >&2
fi
exit 0
