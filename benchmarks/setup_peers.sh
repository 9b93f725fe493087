#!/usr/bin/env bash
# Create one virtual environment per peer tool for `python -m benchmarks.run --peers`.
# The peers' pins conflict with mlgate's environment (deepchecks 0.19.1 needs numpy<2, pandas<2.3,
# scikit-learn<1.6), so each lives in its own venv under benchmarks/.envs/ (git-ignored).
# Idempotent: an existing, importable environment is kept. Usage: bash benchmarks/setup_peers.sh [peer...]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
ENVS=benchmarks/.envs
mkdir -p "$ENVS"

declare -A PINS=(
  # Evidently's current API (Report + DataDriftPreset from evidently.presets); it does not import
  # under pandas 3 (pandas.core.dtypes.common.infer_dtype_from_object is gone).
  [evidently]="evidently==0.7.23 pandas<3 pyarrow"
  # deepchecks 0.19.1 with the newest versions its requirements allow.
  [deepchecks]="deepchecks==0.19.1 numpy<2 pandas<2.3 scikit-learn<1.6 pyarrow<18 setuptools<81"
)
declare -A PROBE=(
  [evidently]="from evidently.presets import DataDriftPreset"
  [deepchecks]="from deepchecks.tabular.suites import data_integrity, train_test_validation"
)

peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(evidently deepchecks)
for peer in "${peers[@]}"; do
  if [ -z "${PINS[$peer]+x}" ]; then
    echo "unknown peer '$peer'; known: ${!PINS[*]}" >&2
    exit 2
  fi
  venv="$ENVS/$peer"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "${PROBE[$peer]}" >/dev/null 2>&1; then
    echo "$peer: ready ($venv)" >&2
    continue
  fi
  echo "$peer: creating $venv" >&2
  "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  # shellcheck disable=SC2086 # PINS holds several requirement specifiers on purpose
  "$venv/bin/python" -m pip install --quiet ${PINS[$peer]}
  "$venv/bin/python" -c "${PROBE[$peer]}"
  echo "$peer: ready ($venv)" >&2
done
