#!/usr/bin/env python3
"""How long the quick-pick palette takes to open: from the shortcut's key press to the palette
window being mapped and painted, with N accounts in the vault. A measurement, not a test.

Run inside a display and a Secret Service, e.g.:
  env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh \\
    xvfb-run -a -s "-screen 0 1280x800x24" scripts/measure-pick.py --app target/release/ninsho

It adds N accounts with ninsho-cli (next to the app binary) in a throwaway data folder, starts
the app, presses Ctrl+Alt+K with xdotool, and polls every 2 ms until the palette is mapped, then
until its window shows the first account's code (its screenshot is no longer one flat colour).
The first open builds the palette's window; later opens only show it.
"""
import argparse
import os
import subprocess
import tempfile
import time

TITLE = "^Ninsho — pick a code$"


def visible():
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None


def painted(window):
    """Whether the window shows more than a blank background (distinct colours in its shot)."""
    out = subprocess.run(["import", "-window", window, "-format", "%k", "info:"],
                         capture_output=True, text=True).stdout.strip()
    try:
        return int(out) > 8
    except ValueError:
        return False


def open_once():
    start = time.perf_counter()
    subprocess.run(["xdotool", "key", "ctrl+alt+k"], check=True)
    window = None
    while window is None:
        window = visible()
        if time.perf_counter() - start > 20:
            raise SystemExit("the palette never opened")
        if window is None:
            time.sleep(0.002)
    mapped = time.perf_counter() - start
    while not painted(window):
        if time.perf_counter() - start > 20:
            raise SystemExit("the palette never painted")
    shown = time.perf_counter() - start
    subprocess.run(["xdotool", "windowfocus", "--sync", window])
    subprocess.run(["xdotool", "key", "Escape"])
    while visible():
        time.sleep(0.01)
    return mapped, shown


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", default="target/release/ninsho")
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--opens", type=int, default=10)
    a = p.parse_args()
    cli = os.path.join(os.path.dirname(a.app), "ninsho-cli")
    data = tempfile.mkdtemp()
    env = dict(os.environ, NINSHO_DATA_DIR=data)
    uris = [f"otpauth://totp/Service{i:03}:user{i}@example.org?secret={'JBSWY3DPEHPK3PXP'[:12]}{i:04d}&issuer=Service{i:03}"
            .replace("0", "A").replace("1", "B").replace("8", "C").replace("9", "D")
            for i in range(a.accounts)]
    for chunk in range(0, len(uris), 25):
        subprocess.run([cli, "add", "--yes", "--force", *uris[chunk:chunk + 25]], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    app = subprocess.Popen([a.app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)
        results = [open_once() for _ in range(a.opens)]
    finally:
        app.terminate()
        app.wait()
    first, rest = results[0], results[1:]
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(f"app: {a.app}, accounts: {a.accounts}")
    print(f"first open: mapped {first[0] * 1000:.0f} ms, painted {first[1] * 1000:.0f} ms")
    if rest:
        print(f"later opens ({len(rest)}): mapped median {med([r[0] for r in rest]) * 1000:.0f} ms, "
              f"painted median {med([r[1] for r in rest]) * 1000:.0f} ms, "
              f"painted worst {max(r[1] for r in rest) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
