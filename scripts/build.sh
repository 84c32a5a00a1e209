#!/usr/bin/env bash
# Set up a virtual environment, build the sample archive into site/, and (with --serve) preview it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q -U pip
.venv/bin/python -m pip install -q -e .
.venv/bin/archivegen build
if [ "${1:-}" = "--serve" ]; then exec .venv/bin/archivegen serve; fi
