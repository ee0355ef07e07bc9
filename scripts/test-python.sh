#!/usr/bin/env bash
# The Python package's tests (python/, issue 21): installs `./python[torch,lab]` and pytest into a
# virtual environment kept outside the repository, then runs `pytest python/`. Ends with
# pytest's summary line ("N passed, M skipped in …"); exits non-zero on any failure. First copies
# the app's single-file build (DIST/embed.html) into the package (scripts/python-assets.sh), so
# the installed notebook widget carries it; JupyterLab is installed for the widget's end-to-end
# test (scripts/test-widget.sh, which uses this environment).
#
#   FLOW_PLAYGROUND_PYENV  the environment (default ${XDG_CACHE_HOME:-~/.cache}/flow-playground/pyenv)
#   FLOW_PLAYGROUND_TORCH  1 (default) installs PyTorch for the to_torch tests; 0 leaves it out,
#                          and pytest then reports those tests as skipped. PyTorch comes from
#                          PyPI, whose Linux wheel pulls its CUDA libraries: a first install
#                          downloads ~2.7 GB and takes ~3 minutes (~5.3 GB on disk).
#   PYTHON                 the interpreter that creates the environment (default python3)
#   FLOW_PLAYGROUND_DIST   the release build whose embed.html the widget ships (default dist)
#
# The environment is created once and reused; pip runs only when it is new, when
# python/pyproject.toml changed (dependencies), or when the package's sources changed (then
# just the package is reinstalled, without its dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

scripts/python-assets.sh "${FLOW_PLAYGROUND_DIST:-dist}" ||
  echo "the widget will have no packaged app build (its tests pass src= a served dist/)"

venv=${FLOW_PLAYGROUND_PYENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flow-playground/pyenv}
torch=${FLOW_PLAYGROUND_TORCH:-1}
py="$venv/bin/python"

if ! "$py" -c 'import sys' 2>/dev/null; then
  echo "creating $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "${PYTHON:-python3}" -m venv "$venv"
fi

hash_of() { cat "$@" | sha256sum | cut -c1-16; }
deps_stamp="$(hash_of python/pyproject.toml) torch=$torch"
src_stamp=$(hash_of python/pyproject.toml $(find python/flow_playground -name '*.py' -o -name '*.js' -o -name '*.html' | sort))
stamp_file="$venv/.flow-playground-stamp"
have_deps=$(sed -n 1p "$stamp_file" 2>/dev/null || true)
have_src=$(sed -n 2p "$stamp_file" 2>/dev/null || true)

extra="[lab]"
[ "$torch" = 1 ] && extra="[torch,lab]"
if [ "$have_deps" != "$deps_stamp" ]; then
  echo "installing ./python$extra and pytest into $venv"
  "$py" -m pip install -q "./python$extra" pytest
elif [ "$have_src" != "$src_stamp" ]; then
  echo "reinstalling the package (sources changed)"
  "$py" -m pip install -q --no-deps --force-reinstall ./python
fi
printf '%s\n%s\n' "$deps_stamp" "$src_stamp" >"$stamp_file"

# From the repository root, so `import flow_playground` finds the installed package.
"$py" -m pytest python/ -q -rs -p no:cacheprovider
