#!/usr/bin/env bash
# Creates .venv with the Python packages of the QR bench (corpus generator, zxing-cpp anchor).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/bench/qr/requirements.txt"
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$req" "$stamp"; then exit 0; fi
"$root/scripts/ensure-debs.sh" python3-venv
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
