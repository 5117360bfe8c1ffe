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
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
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
export NINSHO_REAL_KEYCHAIN=1
"$@"
