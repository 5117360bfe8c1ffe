#!/usr/bin/env bash
# Windows and macOS from this Linux machine:
#  - the whole workspace (core, the CLI, the app with its tray, autostart, keychain stores, data
#    folders, clipboard and capture) type-checks for x86_64-pc-windows-gnu and x86_64-apple-darwin;
#  - ninsho-cli.exe is built with mingw-w64, and its `parse`, `code` and `scan` run under wine
#    on the project's fixtures and must print exactly what the Linux build prints (make build's
#    target/debug/ninsho-cli, or NINSHO_LINUX_CLI).
# Both targets are checked in one cargo invocation, so cargo schedules their crates together.
# What this cannot do (link or run anything for macOS, run the app on either) is listed in the
# README. A target whose standard library rustup cannot fetch is reported as NOT RUN, never as
# passed; wine missing likewise.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
WIN=x86_64-pc-windows-gnu
MAC=x86_64-apple-darwin
status=0
not_run=()

have_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1" && return 0
  echo "== rustup target add $1"
  rustup target add "$1" && return 0
  not_run+=("$1: rustup could not fetch its standard library")
  return 1
}

checks=()
win=""
if have_target "$WIN"; then win=1; checks+=(--target "$WIN"); fi
if have_target "$MAC"; then checks+=(--target "$MAC"); fi
if [ ${#checks[@]} -gt 0 ]; then
  echo "== cargo check --workspace ${checks[*]} (macOS: C of dependencies not compiled, no SDK)"
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    CC_x86_64_apple_darwin="$PWD/scripts/cc-macos-check.sh" \
    cargo check --workspace "${checks[@]}" --quiet
fi

if [ -n "$win" ]; then
  echo "== ninsho-cli.exe"
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    cargo build -p ninsho-cli --target "$WIN" --quiet
  exe="target/$WIN/debug/ninsho-cli.exe"
  ls -l "$exe"
  linux=${NINSHO_LINUX_CLI:-target/debug/ninsho-cli}
  [ -x "$linux" ] || { echo "$linux is missing: run make build first"; exit 1; }
  if command -v wine >/dev/null; then
    # A prefix of its own; no Mono or Gecko (nothing here needs them, and they would be asked
    # for at the prefix's creation).
    export WINEPREFIX="${WINEPREFIX:-$PWD/target/wine}" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    # Debian 12's wine 8.0 has no bcryptprimitives.dll, where Rust's standard library takes
    # its random bytes from: a stand-in beside the exe (scripts/wine/bcryptprimitives.c).
    x86_64-w64-mingw32-gcc -shared -O2 -o "target/$WIN/debug/bcryptprimitives.dll" \
      scripts/wine/bcryptprimitives.c -ladvapi32
    uri='otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&period=30'
    rfc='otpauth://totp/RFC6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&algorithm=SHA1'
    fixtures=(core/tests/fixtures/screens/*.png core/tests/fixtures/screens/*.jpg)
    # Each pair: what runs, then the same on Linux. The vault is never touched by these.
    cases=(
      "parse $uri"
      "parse --json $uri"
      "code $rfc --at 59"
      "code $rfc --at 1111111109 --json"
      "code $uri --at 1700000000 --next"
      "scan --json ${fixtures[*]}"
    )
    # The first run creates the prefix, and wine says so on stderr: done once, before.
    wine "$exe" --version >/dev/null 2>&1 || true
    for c in "${cases[@]}"; do
      # What the program prints and how it exits; wine's own messages go to stderr.
      # shellcheck disable=SC2086
      want="$("$linux" $c 2>/dev/null; echo "exit $?")"
      # shellcheck disable=SC2086
      got="$(wine "$exe" $c 2>/dev/null | tr -d '\r'; echo "exit ${PIPESTATUS[0]}")"
      # Paths print with the separators each system uses.
      got=${got//\\\\/\/}
      if [ "$got" != "$want" ]; then
        echo "DIFFERENT under wine: ninsho-cli ${c:0:60}…"
        diff <(echo "$want") <(echo "$got") | head -20 || true
        status=1
      else
        echo "same under wine: ninsho-cli ${c:0:60}… ($(echo "$got" | wc -l) lines)"
      fi
    done
    # The browser bridge's named pipe, made and used as Windows makes and uses it: core's test
    # of the host's way to the app, built for Windows and run under wine.
    echo "== the bridge's named pipe under wine"
    tests=$(CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
      cargo test -p ninsho-core --lib --target "$WIN" --no-run --message-format=json 2>/dev/null |
      python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("executable") and m.get("target", {}).get("kind") == ["lib"]: print(m["executable"])')
    cp "target/$WIN/debug/bcryptprimitives.dll" "$(dirname "$tests")/"
    if out=$(wine "$tests" --exact bridge::local::tests::a_request_goes_through_and_a_second_app_cannot_listen 2>/dev/null | tr -d '\r') &&
      grep -q "test result: ok. 1 passed" <<<"$out"; then
      echo "the named pipe carries a request, both ends this user's; a second app cannot listen"
    else
      echo "FAILED under wine: the bridge's named pipe"; echo "$out" | tail -20; status=1
    fi
    # The host registered as Windows browsers look it up: the manifest in LOCALAPPDATA and
    # HKCU's key for the browser pointing at it.
    echo "== ninsho-cli browser install under wine"
    wine "$exe" browser install --browser chrome >/dev/null 2>&1 || { echo "FAILED under wine: browser install"; status=1; }
    reg=$(wine reg query 'HKCU\Software\Google\Chrome\NativeMessagingHosts\io.ninsho.host' /ve 2>/dev/null | tr -d '\r')
    manifest=$(sed -n 's/.*REG_SZ[[:space:]]*//p' <<<"$reg")
    unix=$(wine winepath -u "$manifest" 2>/dev/null | tr -d '\r')
    if [ -n "$manifest" ] && grep -q '"path": ".*ninsho-host.exe"' "$unix" 2>/dev/null; then
      echo "Chrome's registry key names $manifest, which names ninsho-host.exe"
    else
      echo "FAILED under wine: no registry entry for Chrome's host ($reg)"; status=1
    fi
  else
    not_run+=("ninsho-cli.exe under wine: wine is not installed")
  fi
fi

for n in "${not_run[@]}"; do echo "NOT RUN: $n"; done
[ "$status" = 0 ] && echo "== cross-target checks: done"
exit "$status"
