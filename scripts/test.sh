#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine (Python 3.11), then run it.
# Used by the README and by CI (.ci/run). Safe to rerun: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,images]"
# Browser tests drive Debian's Chromium (never `playwright install`: no browser downloads).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; } \
    || echo "warning: could not install chromium with apt; browser tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
