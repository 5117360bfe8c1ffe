#!/usr/bin/env bash
# Creates .venv with the Python packages of the QR bench (corpus generator, zxing-cpp anchor)
# and of the interop tests (independent Aegis and Ente Auth implementations).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
reqs=("$root/bench/qr/requirements.txt" "$root/tests/interop/requirements.txt")
req="$(mktemp)"
trap 'rm -f "$req"' EXIT
cat "${reqs[@]}" >"$req"
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$req" "$stamp"; then exit 0; fi
"$root/scripts/ensure-debs.sh" python3-venv
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
