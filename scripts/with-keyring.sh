#!/bin/sh
# Runs a command against a real, throwaway Secret Service: gnome-keyring in a private D-Bus
# session, with a fresh keyring unlocked by a fixed password. Use it as
#   env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh COMMAND...
# (no DISPLAY on the bus, so a locked keyring fails fast instead of prompting on a screen).
set -eu
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "with-keyring.sh: run me inside dbus-run-session" >&2
  exit 2
fi
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME" 2>/dev/null || true' EXIT
# An empty password creates no login keyring: use a real one.
printf '%s' "${NINSHO_TEST_KEYRING_PASSWORD:-ninsho-test-keyring}" \
  | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# Wait until the daemon owns the Secret Service name (otherwise D-Bus may start a second one).
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then echo "with-keyring.sh: the Secret Service did not start" >&2; exit 1; fi
  sleep 0.1
done
# gnome-keyring-daemon can abort on a GLib assertion when a client goes away mid-call (seen
# once in a long E2E run: "trap int3 … in libglib"). D-Bus would then start a new daemon
# with the keyring locked, and every later test would fail for a reason that is not theirs.
# A watcher brings the same keyring back, unlocked, within half a second; its items are on
# disk, so nothing is lost. A test that was talking to the daemon when it died still fails.
owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null \
    | awk '/uint32/ {print $2}'
}
daemon="$(owner)"
(
  while sleep 0.5 </dev/null >/dev/null 2>&1; do
    if [ -n "$daemon" ] && ! kill -0 "$daemon" 2>/dev/null; then
      echo "with-keyring.sh: the keyring daemon ($daemon) died; starting it again, unlocked" >&2
      printf '%s' "${NINSHO_TEST_KEYRING_PASSWORD:-ninsho-test-keyring}" \
        | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1 || true
      sleep 0.3 </dev/null >/dev/null 2>&1
      daemon="$(owner)"
    fi
  done
) &
watcher=$!
# On the way out: stop the watcher and the daemon before removing the keyring's folder (a
# daemon still writing into it makes `rm` fail), and keep the command's own exit status: under
# `set -e` a failing command in an EXIT trap would replace it.
cleanup() {
  status=$?
  kill "$watcher" 2>/dev/null || true
  daemon="$(owner)"
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; fi
  rm -rf "$XDG_DATA_HOME" 2>/dev/null || rm -rf "$XDG_DATA_HOME" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
export NINSHO_REAL_KEYCHAIN=1
"$@"
