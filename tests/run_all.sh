#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian/Ubuntu machine, then run them all.
# Used by CI (.ci/run) and by developers: bash tests/run_all.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

# A real headless browser for the map tests, with CJK fonts so Chinese labels render.
fonts="$(fc-list 2>/dev/null || true)"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || [[ "$fonts" != *"Noto Sans CJK"* ]]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
# Node.js runs Neo4j's own Cypher front end, which lints every query we send to Neo4j.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --prefix tests/cypherlint --no-audit --no-fund --loglevel=error >/dev/null
# Java 17 and Maven build the Neo4j 5.26 + Graph Data Science test server from Maven Central (tests/neo4j/).
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi
python3 -c "import sys; sys.path.insert(0, 'tests/neo4j'); import server; server.build()"

python3 -m pip install --quiet --disable-pip-version-check ".[test]"
# the browser tests must run, not skip, when the browser was just installed
export GRAPHGOV_REQUIRE_BROWSER=1
# Test the package just installed, not this checkout's graphgov/: PYTHONSAFEPATH=1 keeps
# 'python -m pytest' (and every Python the tests start) from putting the checkout first on the
# path, so a file the install leaves out fails here. tests/test_installed.py proves which copy
# ran and that it is this checkout's code; the tests still read data/, docs/ and the README here.
export GRAPHGOV_TEST_INSTALLED=1 PYTHONSAFEPATH=1
python3 -m pytest -q "$@"
