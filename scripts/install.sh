#!/usr/bin/env bash
# Installs everything Netra needs on a fresh Debian machine (Python 3.11).
# Idempotent: safe to run again. Used by the README's two commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=${WITH_TEST:-0}
VENV=${NETRA_VENV:-.venv}

# System packages: Pango for WeasyPrint (PDF reports); Chromium and poppler for the browser and report tests.
apt_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ "$WITH_TEST" = 1 ]; then apt_pkgs+=(chromium poppler-utils); fi
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# torch first, from the local CPU wheel: any other spec pulls gigabytes of CUDA packages.
"$VENV/bin/pip" install -q torch==2.13.0
extra=""
[ "$WITH_TEST" = 1 ] && extra="[test]"
"$VENV/bin/pip" install -q -c constraints.txt -e ".${extra}"
