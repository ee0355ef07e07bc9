#!/usr/bin/env bash
# Command 1: build the release app and serve it on 127.0.0.1 (PORT, default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=0 scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
PORT=${PORT:-8080}
echo "Flow Playground: building, then serving at http://127.0.0.1:${PORT}/  (Ctrl-C stops)"
exec trunk serve --release --address 127.0.0.1 --port "$PORT"
