#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine (Python 3.11), then run it.
# Used by the README and by CI (.ci/run). Safe to rerun: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
apt_install() {  # apt_install PACKAGE...: Debian packages, only when apt-get is there
  command -v apt-get >/dev/null 2>&1 || return 1
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; }
}
# Browser tests drive Debian's Chromium (never `playwright install`: no browser downloads).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium || echo "test.sh: could not install chromium; browser tests will be skipped" >&2
fi
# Spark engine tests need Java 17.
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  apt_install openjdk-17-jre-headless || echo "test.sh: could not install Java; Spark tests will be skipped" >&2
fi
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,images,spark]"
exec .venv/bin/python -m pytest "$@"
