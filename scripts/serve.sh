#!/usr/bin/env bash
# Command 1: build the release app into its own directory (SITE_DIR, default target/site) and
# serve it on 127.0.0.1 (PORT, default 8080) with a plain static server (tools/site-server: the
# files as they are, no injected script, no CORS header), as any static host would.
# It never touches dist/, so scripts/test.sh can run at the same time in the same checkout
# (their builds take turns on a lock, scripts/build.sh). Rebuild: run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=0 scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
PORT=${PORT:-8080}
SITE_DIR=${SITE_DIR:-target/site}
echo "Flow Playground: building into $SITE_DIR, then serving it at http://127.0.0.1:${PORT}/  (Ctrl-C stops)"
scripts/build.sh "$SITE_DIR"
exec cargo run -q -p site-server -- "$SITE_DIR" --port "$PORT"
