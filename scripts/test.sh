#!/usr/bin/env bash
# Installs Netra with its test tools and runs ruff and the whole test suite.
# PostgreSQL/Redis: NETRA_TEST_PG / NETRA_TEST_REDIS (URLs; "off" skips those tests).
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TEST=1 ./scripts/install.sh
VENV=${NETRA_VENV:-.venv}
"$VENV/bin/ruff" check .
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
