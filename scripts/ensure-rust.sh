#!/usr/bin/env bash
# Makes sure cargo, rustfmt and clippy are available (rustup installs the latter two if needed).
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: see https://rustup.rs (Ninsho needs Rust 1.90 or newer)" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
