#!/usr/bin/env bash
# Set up a virtual environment with the test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Python may cache compiled modules (some machine images set PYTHONDONTWRITEBYTECODE=1): the suite
# starts archivegen some 300 times, and without the cache each start compiled every module from
# source again (`archivegen --help`: 0.34 -> 0.20 s), as did each test worker.
unset PYTHONDONTWRITEBYTECODE
python3 -m venv .venv
.venv/bin/python -m pip install -q -U pip
.venv/bin/python -m pip install -q -e '.[test]'
if [ -f package.json ]; then npm ci --no-audit --no-fund --silent; fi
# Types and lint first (pyproject.toml configures both): a new finding fails CI like a failing test.
.venv/bin/ruff check src tests bench scripts
.venv/bin/mypy
# Two workers; a test module marked xdist_group (the accessibility matrix) stays on one worker.
# Pass -n 0 to run in one process.
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
