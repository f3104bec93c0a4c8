#!/usr/bin/env bash
# Installs Netra and runs the end-to-end demo on bundled sample data (no network needed).
# Pass --no-serve to run it all and exit instead of serving the review app.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
VENV=${NETRA_VENV:-.venv}
exec "$VENV/bin/netra" demo "$@"
