#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine (Python 3.11), then run it.
# Used by the README and by CI (.ci/run). Safe to rerun: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,images]"
# Spark engine tests (tests/engines) need pyspark and Java 17; install Java only when missing.
.venv/bin/python -m pip install -q -e ".[spark]"
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
        echo "test.sh: no java found and cannot apt-get install it: Spark tests will be skipped" >&2
    fi
fi
exec .venv/bin/python -m pytest "$@"
