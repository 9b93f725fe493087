#!/usr/bin/env bash
# Install everything the tests need (Python env, system tools, npm validators) and run them.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
VENV=${MLGATE_VENV:-$ROOT/.venv}

log() { printf '\n== %s\n' "$*" >&2; }
# Every check runs even when an earlier one fails, so one CI log shows every problem; the script
# exits non-zero at the end if any failed.
FAILED=()
step() {
  local name=$1
  shift
  log "$name"
  if ! "$@"; then
    FAILED+=("$name")
  fi
}

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi
# `all` holds the mlflow extra: tests/mlflow start a real `mlflow server` from it.
log "installing mlgate with the all (ge, skops, onnx, mlflow), dev and spark extras"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[all,dev,spark]"

# System tools some tests need (a browser, rsync, node validators). Installed when missing and we
# may (root, apt available); tests that need them skip locally with a reason, never when CI=true.
bash scripts/install-tools.sh

export PATH="$VENV/bin:$ROOT/node_modules/.bin:$PATH"

step "ruff" ruff check mlgate tests benchmarks
step "mypy (strict)" mypy
step "import-linter" lint-imports

# deepchecks 0.19.1 needs numpy<2, pandas<2.3, scikit-learn<1.6: its gate is tested in a second,
# pinned environment (docs/gates/deepchecks.md). mlgate goes in with --no-deps, its light deps pinned
# alongside, so pip never upgrades the stack deepchecks needs.
DC_VENV=${MLGATE_DEEPCHECKS_VENV:-$ROOT/.venv-deepchecks}
DC_PY=${PYTHON_DEEPCHECKS:-$(command -v python3.11 || echo "$PY")}
if [ ! -x "$DC_VENV/bin/python" ]; then
  log "creating $DC_VENV"
  "$DC_PY" -m venv "$DC_VENV"
fi
log "installing the pinned deepchecks environment"
"$DC_VENV/bin/python" -m pip install --quiet --upgrade pip
"$DC_VENV/bin/python" -m pip install --quiet "deepchecks==0.19.1" "numpy<2" "pandas<2.3" "scikit-learn<1.6" \
  "scipy>=1.11" "pandera>=0.20" "pyarrow>=15,<21" "click>=8.1" "tabulate>=0.9" "pyyaml>=6" \
  "pydantic>=2.6,<3" "httpx>=0.27" "pytest>=8" "pyspark>=4,<5"
"$DC_VENV/bin/python" -m pip install --quiet --no-deps -e .
step "pytest (deepchecks, pinned environment)" \
  env MLGATE_DEEPCHECKS_ENV=1 "$DC_VENV/bin/python" -m pytest -p no:cacheprovider tests/deepchecks
# The same environment has the oldest stack mlgate supports (pandas 2.2, numpy 1.26, scikit-learn
# 1.5): the end-to-end CLI tests run there too, so both pandas majors are tested by this script.
step "pytest (pandas 2.2 / numpy 1 end to end)" \
  "$DC_VENV/bin/python" -m pytest -p no:cacheprovider -q tests/cli/test_demo.py tests/cli/test_check_cli.py \
  tests/reliability/test_bad_inputs.py tests/reliability/test_determinism.py

# pandera's pyspark backend imports pyspark.pandas, which needs pandas<3: the Spark schema checks are
# cross-checked against it here, and the Spark engine's scorecard is compared on pandas 2 too.
step "pytest (Spark engine and pandera pyspark backend, pandas 2.2)" \
  "$DC_VENV/bin/python" -m pytest -p no:cacheprovider -q tests/engines/test_spark_schema.py \
  tests/engines/test_spark.py tests/schema/test_batched.py

step "pytest" python -m pytest -n 2 "$@"

if [ ${#FAILED[@]} -gt 0 ]; then
  printf '\nFAILED: %s\n' "${FAILED[*]}" >&2
  exit 1
fi
