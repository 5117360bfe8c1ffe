#!/bin/bash
# Drives the built app (target/debug/ninsho) through AT-SPI only, as a screen-reader user would,
# and prints a transcript: tests/atspi/flow.py. Builds nothing.
#
#   tests/atspi/run.sh [--lenient] [--budget SECONDS]
#
# Around it: an Xvfb display of its own (ATSPI_DISPLAY, default 91), a private D-Bus session
# with a throwaway unlocked gnome-keyring (scripts/with-keyring.sh), the AT-SPI bus started in
# that session, a temporary data folder holding one account (GitHub / alice@example.com), and
# the QR screenshot docs/sample-setup-page.png to paste. Everything started here is stopped on
# the way out (ATSPI_KEEP=1 keeps the temporary folder, with app.log and session.log); the
# whole run is bounded (ATSPI_TIMEOUT seconds, default 110).
#
# Needs (Debian): xvfb xclip dbus gnome-keyring at-spi2-core python3-pyatspi.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
URI='otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub'

if [ "${1:-}" = "--inside" ]; then
  # In the private D-Bus session, with the keyring unlocked (NINSHO_REAL_KEYCHAIN=1). The
  # transcript goes to the terminal (fds 3 and 4); the session's daemons keep session.log.
  shift
  exec 1>&3 2>&4 3>&- 4>&-
  set -e
  # The AT-SPI bus: asking org.a11y.Bus for its address has the session start
  # at-spi-bus-launcher (D-Bus activation; it goes when the session ends). The registry
  # (at-spi2-registryd) is activated on the accessibility bus by the first client.
  ATSPI_BUS="$(dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
    org.a11y.Bus.GetAddress | tr -d ' ')"
  export ATSPI_BUS
  "$ROOT/target/debug/ninsho-cli" add --yes "$URI" | sed 's/^/ninsho-cli: /'
  exec /usr/bin/python3 "$HERE/flow.py" --app "$ROOT/target/debug/ninsho" \
    --qr "$ROOT/docs/sample-setup-page.png" "$@"
fi

for f in "$ROOT/target/debug/ninsho" "$ROOT/target/debug/ninsho-cli"; do
  [ -x "$f" ] || { echo "run.sh: $f is not built" >&2; exit 2; }
done
/usr/bin/python3 -c 'import pyatspi' 2>/dev/null \
  || { echo "run.sh: apt-get install python3-pyatspi" >&2; exit 2; }

N="${ATSPI_DISPLAY:-91}"
WORK="$(mktemp -d /tmp/ninsho-atspi.XXXXXX)"
XVFB=""
RUNNER=""
cleanup() {
  status=$?
  # Interrupted: timeout passes the signal on to the session (flow.py then stops the app).
  if [ -n "$RUNNER" ]; then kill -TERM "$RUNNER" 2>/dev/null; wait "$RUNNER" 2>/dev/null; fi
  if [ -n "$XVFB" ]; then kill "$XVFB" 2>/dev/null; wait "$XVFB" 2>/dev/null; fi
  if [ -n "${ATSPI_KEEP:-}" ]; then echo "run.sh: kept $WORK (app.log, session.log)" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -e "/tmp/.X11-unix/X$N" ]; then
  echo "run.sh: display :$N is in use (set ATSPI_DISPLAY)" >&2
  exit 2
fi
Xvfb ":$N" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$N" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$N" ] || { echo "run.sh: Xvfb did not start" >&2; cat "$WORK/xvfb.log" >&2; exit 2; }

mkdir -p "$WORK/data" "$WORK/config" "$WORK/cache" "$WORK/runtime"
chmod 700 "$WORK/runtime"
# No DISPLAY for the session bus and keyring (a locked keyring then fails instead of prompting);
# the app and xclip get it below. NO_AT_BRIDGE=1 would keep GTK (and so WebKit) from exporting
# any tree. A private XDG_RUNTIME_DIR keeps the accessibility bus's socket (and the keyring's)
# off the shared ~/.cache/at-spi/bus that another session on this machine may be using.
timeout -k 5 "${ATSPI_TIMEOUT:-110}" \
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u NO_AT_BRIDGE -u AT_SPI_BUS_ADDRESS \
    XDG_RUNTIME_DIR="$WORK/runtime" \
  dbus-run-session -- "$ROOT/scripts/with-keyring.sh" \
  env DISPLAY=":$N" NINSHO_DATA_DIR="$WORK/data" NINSHO_KEYCHAIN_TIMEOUT_MS=5000 \
    XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" ATSPI_WORK="$WORK" \
  "$0" --inside "$@" 3>&1 4>&2 >"$WORK/session.log" 2>&1 &
RUNNER=$!
wait "$RUNNER"
status=$?
RUNNER=""
[ "$status" -eq 124 ] && echo "run.sh: timed out after ${ATSPI_TIMEOUT:-110} s" >&2
# 1: a check failed (the transcript says which); anything else: the run itself broke.
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  for log in session.log app.log; do
    if [ -s "$WORK/$log" ]; then echo "--- $log (last lines)" >&2; tail -n 20 "$WORK/$log" >&2; fi
  done
fi
exit "$status"
