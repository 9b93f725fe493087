#!/usr/bin/env bash
# System and npm tools used by the tests. Idempotent; quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rsync >/dev/null 2>&1 || need_apt+=(rsync)
# A Java runtime for the Spark engine tests (pyspark local[2]; Spark 4 needs Java 17 or later).
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${need_apt[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing ${need_apt[*]} and cannot apt-get install; the tests needing them will skip" >&2
  fi
fi

# npm validators, pinned in package.json / package-lock.json.
if command -v npm >/dev/null 2>&1 && [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    echo "installing npm tools (package-lock.json)" >&2
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi
