#!/usr/bin/env bash
# Idempotent setup shared by scripts/serve.sh and scripts/test.sh.
# Installs only what is missing or of the wrong version; a no-op run takes a few seconds.
# Everything here comes from crates.io, Debian's apt repositories or the npm registry (no other downloads).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml and Trunk.toml
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

need_browser=${SETUP_BROWSER:-1}   # scripts/serve.sh sets 0: serving needs no browser

# 1. Rust target (no-op when present).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages, in the background while cargo installs run: binaryen (wasm-opt, for the
#    release build) and, for tests, Chromium + chromedriver. As root, or with passwordless sudo
#    (e.g. a GitHub Actions runner).
apt_pkgs=()
command -v wasm-opt >/dev/null || apt_pkgs+=(binaryen)
if [ "$need_browser" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  apt_pkgs+=(chromium chromium-driver)
fi
apt_pid=""
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    log "ERROR: missing ${apt_pkgs[*]}. Run as root: apt-get update && apt-get install -y ${apt_pkgs[*]}"
    exit 1
  fi
  log "installing ${apt_pkgs[*]} with apt-get (background)"
  ( export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq >/dev/null &&
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null ) &
  apt_pid=$!
fi

# 3. Trunk, exact version.
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (takes ~10 min once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 4. wasm-bindgen-cli, exact version (installs wasm-bindgen and wasm-bindgen-test-runner).
#    Not --locked: its lock file wants a crate version the registry does not serve.
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~4 min once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 5. Crates, so Trunk's offline build finds them.
if [ -f Cargo.lock ]; then
  cargo fetch --locked -q 2>/dev/null || cargo fetch -q
else
  cargo fetch -q
fi

# 6. npm packages: esbuild, which the release build uses to minify wasm-bindgen's JS glue
#    (and to bundle the single-file embed, dist/embed.html), reveal.js for docs/slides-example.html,
#    (scripts/trunk-post-build.sh), and for tests playwright-core (it never downloads a browser)
#    and axe-core; reveal.js for docs/slides-example.html (and its test). esbuild also bundles the
#    single-file embed (dist/embed.html). Installed for serving too, so both commands ship the
#    same bundle. `npm ci` installs from package-lock.json (the npm cache serves it offline).
if command -v npm >/dev/null && [ -f package.json ]; then
  if [ ! -d node_modules/esbuild ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/reveal.js ] \
     || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (esbuild; playwright-core, axe-core and reveal.js for tests)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
elif [ "$need_browser" = 1 ]; then
  log "ERROR: npm is missing (Node.js 20 or later is needed for the end-to-end tests)"
  exit 1
fi

if [ -n "$apt_pid" ]; then
  wait "$apt_pid" || { log "ERROR: apt-get install ${apt_pkgs[*]} failed"; exit 1; }
fi
exit 0
