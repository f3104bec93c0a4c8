#!/usr/bin/env bash
# Installs everything Netra needs on a fresh Debian machine (Python 3.11).
# Idempotent: safe to run again. Used by the README's two commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=${WITH_TEST:-0}
VENV=${NETRA_VENV:-.venv}

# System packages: Pango for WeasyPrint (PDF reports), DejaVu and Noto Color Emoji (captured posts' emoji in
# the PDFs), Chromium for `netra capture` (public post pages; also the browser tests); poppler for the report tests.
apt_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji chromium)
if [ "$WITH_TEST" = 1 ]; then apt_pkgs+=(poppler-utils); fi
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
# torch first, and its CPU-only build: PyPI's default torch wheel pulls gigabytes of CUDA packages.
# PyTorch's CPU index serves that build on any machine; set NETRA_TORCH_INDEX_URL to a mirror of it,
# or to an empty string to let pip's own configuration decide (a local wheelhouse, say). Where the
# index is unreachable, pip's configured find-links/extra indexes still answer (one quick retry).
TORCH_INDEX_URL=${NETRA_TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}
if ! "$VENV/bin/python" -c 'import sys, torch; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
  "$VENV/bin/pip" install -q --retries 1 --timeout 15 ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} torch==2.13.0
fi
extra=""
[ "$WITH_TEST" = 1 ] && extra="[test]"
"$VENV/bin/pip" install -q -c constraints.txt -e ".${extra}"
