#!/usr/bin/env bash
# The notebook widget end to end (issue 21): e2e/notebook.test.mjs starts JupyterLab from the
# Python environment of scripts/test-python.sh (run that first: it installs the package with the
# app's build, and JupyterLab), opens a notebook in Debian's Chromium and runs cells that create
# FlowPlayground, set NumPy points, train and read the flow back. Prints node --test's summary.
#   FLOW_PLAYGROUND_PYENV  the environment (default ${XDG_CACHE_HOME:-~/.cache}/flow-playground/pyenv)
#   E2E_DIST               the release build served to the widget when the package has none
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${FLOW_PLAYGROUND_PYENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flow-playground/pyenv}
if ! "$venv/bin/python" -c 'import jupyterlab, flow_playground.widget' 2>/dev/null; then
  echo "test-widget: $venv lacks JupyterLab or the package: run scripts/test-python.sh first" >&2
  exit 1
fi
export FLOW_PLAYGROUND_PYTHON="$venv/bin/python"
exec node --test --test-concurrency=1 e2e/notebook.test.mjs
