#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine (Python 3.11), then run it.
# Used by the README and by CI (.ci/run). Safe to rerun: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,images]"
exec .venv/bin/python -m pytest "$@"
