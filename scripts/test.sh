#!/usr/bin/env bash
# Installs Netra with its test tools and runs ruff and the whole test suite.
# PostgreSQL/Redis: NETRA_TEST_PG / NETRA_TEST_REDIS (URLs; "off" skips those tests).
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TEST=1 ./scripts/install.sh
VENV=${NETRA_VENV:-.venv}
"$VENV/bin/ruff" check .
# Bytecode for Netra's own modules once: the suite starts hundreds of Python processes (crawls, their writers,
# CLI runs), and with PYTHONDONTWRITEBYTECODE set each compiled them from source again.
"$VENV/bin/python" -m compileall -q monitor spiders models reports tests >/dev/null
# Two workers (NETRA_TEST_WORKERS; 0 runs in this process): much of the suite waits on the processes it starts.
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -n "${NETRA_TEST_WORKERS:-2}" "$@"
