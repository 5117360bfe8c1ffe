#!/usr/bin/env bash
# Makes sure Node.js (20 or newer) and npm are available for building the UI.
set -euo pipefail
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  exit 0
fi
if command -v apt-get >/dev/null; then
  "$(dirname "$0")/ensure-debs.sh" nodejs npm
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then exit 0; fi
fi
echo "Ninsho's UI needs Node.js 20 or newer (https://nodejs.org); found: $(node --version 2>/dev/null || echo none)" >&2
exit 1
