#!/usr/bin/env python3
"""Idle CPU and memory of the running app with N accounts (a measurement, not a test).

Run it inside a keyring session with a display, e.g.
  env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" \
    python3 scripts/measure-idle.py --accounts 100
It adds N accounts to a fresh vault with ninsho-cli, starts target/debug/ninsho (or --app), waits
for it to settle, then samples /proc for --seconds: CPU time used by the app and every process it
started (WebKit's web and network processes), and their resident memory.
"""
import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def sample(pids):
    """Total CPU ticks, total RSS bytes, and per process name (ticks, RSS bytes)."""
    cpu, rss, names = 0, 0, {}
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            pages = int(Path(f"/proc/{p}/statm").read_text().split()[1])
            cpu += ticks
            rss += pages * PAGE
            t, r = names.get(name, (0, 0))
            names[name] = (t + ticks, r + pages * PAGE)
        except (OSError, ValueError, IndexError):
            continue
    return cpu, rss, names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--settle", type=float, default=15)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--app", default=str(ROOT / "target/debug/ninsho"))
    args = ap.parse_args()

    data = tempfile.mkdtemp(prefix="ninsho-idle-")
    env = dict(os.environ, NINSHO_DATA_DIR=data)
    uris = []
    for i in range(args.accounts):
        secret = base64.b32encode(os.urandom(20)).decode().rstrip("=")
        uris.append(f"otpauth://totp/Service%20{i}:user{i}@example.com?secret={secret}&issuer=Service%20{i}")
    cli = str(ROOT / "target/debug/ninsho-cli")
    for chunk in range(0, len(uris), 50):
        subprocess.run([cli, "add", "--yes", *uris[chunk : chunk + 50]], env=env, check=True, stdout=subprocess.DEVNULL)
    app = subprocess.Popen([args.app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(args.settle)
        pids = tree(app.pid)
        cpu0, _, names0 = sample(pids)
        t0 = time.time()
        peak = 0
        while time.time() - t0 < args.seconds:
            time.sleep(1)
            _, rss, names = sample(tree(app.pid))
            peak = max(peak, rss)
        cpu1, rss, names = sample(tree(app.pid))
        elapsed = time.time() - t0
        percent = 100.0 * (cpu1 - cpu0) / TICKS / elapsed
        print(f"accounts: {args.accounts}; idle window: {elapsed:.0f} s after {args.settle:.0f} s to settle")
        print(f"CPU: {percent:.2f} % of one core (app + WebKit processes)")
        print(f"RSS: {rss / 2**20:.1f} MiB now, {peak / 2**20:.1f} MiB peak")
        for name, (ticks, b) in sorted(names.items(), key=lambda kv: -kv[1][1]):
            share = 100.0 * (ticks - names0.get(name, (0, 0))[0]) / TICKS / elapsed
            print(f"  {name}: {b / 2**20:.1f} MiB, {share:.2f} % CPU")
    finally:
        app.terminate()
        try:
            app.wait(timeout=5)
        except subprocess.TimeoutExpired:
            app.kill()


if __name__ == "__main__":
    sys.exit(main())
