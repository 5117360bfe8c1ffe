#!/usr/bin/env python3
"""Idle CPU and memory of Ninsho against an empty Tauri window, in one run (a measurement).

`make bench-app` runs it inside a private D-Bus session with a keyring, under Xvfb, with a
StatusNotifier watcher standing in for a desktop's tray host (scripts/tray-watcher.py). It:

  1. starts the empty window (bench/empty-window: the same Tauri, the same profile) and samples
     it, visible, for --seconds: the floor any app on this runtime costs; then again with WebKit
     drawing on the CPU, as Ninsho has it draw;
  2. adds --accounts accounts to a fresh vault with ninsho-cli, starts Ninsho, samples it with its
     window visible;
  3. presses Ctrl+W in Ninsho's window (it goes to the tray, as a person closes it) and samples it
     hidden;
  4. prints a table: CPU as % of one core (the app and every process it started: WebKit's web and
     network processes), resident memory, and the ratio to the empty window.

Each sample waits --settle seconds first. CPU is read from /proc (utime + stime) at the start
and the end of the window; RSS at the end (and its peak, sampled every second).
"""
import argparse
import base64
import json
import os
import shutil
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


def memory(pid):
    """Resident bytes by kind: anonymous (heap, JS, GL buffers), file (mapped libraries), shmem."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile", "RssShmem"):
            out[key[3:].lower()] = int(value.split()[0]) * 1024
    return out


def sample(pids):
    """Per process name: (CPU ticks, RSS bytes, RSS by kind)."""
    names = {}
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            pages = int(Path(f"/proc/{p}/statm").read_text().split()[1])
            kinds = memory(p)
        except (OSError, ValueError, IndexError):
            continue
        t, r, k = names.get(name, (0, 0, {}))
        names[name] = (t + ticks, r + pages * PAGE, {n: k.get(n, 0) + v for n, v in kinds.items()})
    return names


def measure(pid, seconds):
    """CPU % of one core and RSS over `seconds`, in all and per process name."""
    before = sample(tree(pid))
    t0 = time.time()
    peak = 0
    while time.time() - t0 < seconds:
        time.sleep(1)
        peak = max(peak, sum(r for _, r, _ in sample(tree(pid)).values()))
    after = sample(tree(pid))
    elapsed = time.time() - t0
    per = {}
    for name, (ticks, rss, kinds) in after.items():
        used = ticks - before.get(name, (0, 0, {}))[0]
        per[name] = {"cpu": 100.0 * used / TICKS / elapsed, "rss_mib": rss / 2**20,
                     **{f"{k}_mib": v / 2**20 for k, v in kinds.items()}}
    return {
        "seconds": round(elapsed, 1),
        "cpu": sum(v["cpu"] for v in per.values()),
        "rss_mib": sum(v["rss_mib"] for v in per.values()),
        "peak_mib": peak / 2**20,
        "processes": per,
    }


def window(title, visible=True, timeout=30):
    """The X window id of the window titled exactly `title`, or None."""
    args = ["xdotool", "search"] + (["--onlyvisible"] if visible else []) + ["--name", f"^{title}$"]
    end = time.time() + timeout
    while True:
        out = subprocess.run(args, capture_output=True, text=True).stdout.split()
        if out:
            return out[0]
        if time.time() >= end:
            return None
        time.sleep(0.2)


def start(cmd, env, title):
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if window(title) is None:
        stop(proc)
        sys.exit(f"{cmd[0]}: no window titled {title!r} within 30 s")
    return proc


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def row(label, m, base):
    ratio = f"{m['cpu'] / base['cpu']:.1f}×" if base and base["cpu"] > 0 else "–"
    extra = f"{m['rss_mib'] - base['rss_mib']:+.0f}" if base else "–"
    return f"| {label} | {m['cpu']:.2f} | {ratio} | {m['rss_mib']:.0f} | {extra} | {m['peak_mib']:.0f} |"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--settle", type=float, default=15)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--profile", default="release", help="target/<profile>/ holds the three binaries")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    bins = ROOT / "target" / args.profile
    app, cli, empty = bins / "ninsho", bins / "ninsho-cli", bins / "ninsho-empty-window"
    for b in (app, cli, empty):
        if not b.exists():
            sys.exit(f"{b} is missing: make bench-app builds it")
    if not shutil.which("xdotool"):
        sys.exit("xdotool is missing (make bench-app installs it)")

    data = tempfile.mkdtemp(prefix="ninsho-idle-")
    env = dict(os.environ, NINSHO_DATA_DIR=data)
    results = {}
    watcher = subprocess.Popen(["/usr/bin/python3", str(ROOT / "scripts/tray-watcher.py")],
                               stdout=subprocess.PIPE, text=True)
    try:
        if watcher.stdout.readline().strip() != "tray watcher: ready":
            sys.exit("the tray watcher did not start (python3-dbus, python3-gi; a session bus)")
        proc = start([str(empty)], env, "Empty window")
        time.sleep(args.settle)
        results["empty window, visible"] = measure(proc.pid, args.seconds)
        stop(proc)
        # Ninsho has WebKit draw on the CPU (src-tauri/src/main.rs); the same floor drawn so.
        proc = start([str(empty)], dict(env, WEBKIT_DISABLE_COMPOSITING_MODE="1"), "Empty window")
        time.sleep(args.settle)
        results["empty window, CPU-drawn"] = measure(proc.pid, args.seconds)
        stop(proc)

        uris = []
        for i in range(args.accounts):
            secret = base64.b32encode(os.urandom(20)).decode().rstrip("=")
            uris.append(f"otpauth://totp/Service%20{i}:user{i}@example.com?secret={secret}&issuer=Service%20{i}")
        for chunk in range(0, len(uris), 50):
            subprocess.run([str(cli), "add", "--yes", *uris[chunk : chunk + 50]], env=env, check=True,
                           stdout=subprocess.DEVNULL)

        proc = start([str(app)], env, "Ninsho")
        time.sleep(args.settle)
        results["Ninsho, visible"] = measure(proc.pid, args.seconds)
        wid = window("Ninsho")
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=False, timeout=10)
        subprocess.run(["xdotool", "key", "ctrl+w"], check=True, timeout=10)
        end = time.time() + 10
        while window("Ninsho", timeout=0) is not None:
            if time.time() > end:
                sys.exit("Ctrl+W did not hide Ninsho's window (is a tray watcher running?)")
            time.sleep(0.2)
        if proc.poll() is not None:
            sys.exit("Ctrl+W quit Ninsho instead of hiding it in the tray (no tray watcher?)")
        time.sleep(args.settle)
        results["Ninsho, in the tray"] = measure(proc.pid, args.seconds)
        stop(proc)
    finally:
        stop(watcher)
        shutil.rmtree(data, ignore_errors=True)

    base = results["empty window, visible"]
    print(f"Idle cost, {args.accounts} accounts, {args.seconds:.0f} s after {args.settle:.0f} s to settle, "
          f"target/{args.profile} (CPU: % of one core, app + WebKit processes)")
    print("| state | CPU % | × empty | RSS MiB | vs empty | peak MiB |")
    print("|---|---|---|---|---|---|")
    for label, m in results.items():
        print(row(label, m, None if m is base else base))
    print()
    for label, m in results.items():
        parts = ", ".join(f"{n} {v['cpu']:.2f} % {v['rss_mib']:.0f} MiB (anon {v.get('anon_mib', 0):.0f}, "
                          f"files {v.get('file_mib', 0):.0f}, shmem {v.get('shmem_mib', 0):.0f})"
                          for n, v in sorted(m["processes"].items(), key=lambda kv: -kv[1]["rss_mib"]))
        print(f"{label}: {parts}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
