#!/usr/bin/env bash
# Install everything the tests need (Python env, system tools, npm validators) and run them.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
VENV=${MLGATE_VENV:-$ROOT/.venv}

log() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi
log "installing mlgate with the all and dev extras"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[all,dev,spark]"

# System tools some tests need (a browser, rsync, node validators). Installed when missing and we
# may (root, apt available); tests that need them skip locally with a reason, never when CI=true.
bash scripts/install-tools.sh

export PATH="$VENV/bin:$ROOT/node_modules/.bin:$PATH"

log "ruff"
ruff check mlgate tests benchmarks
log "mypy (strict)"
mypy
log "import-linter"
lint-imports
log "pytest"
python -m pytest -n 2 "$@"
