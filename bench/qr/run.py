#!/usr/bin/env python3
"""Measure Ninsho's QR search against zxing-cpp (and plain rqrr) on the generated corpus.

All decoders run in this one invocation, one after the other, pinned to the same CPU core:
Ninsho and plain rqrr through the `qr_corpus` example (release build), zxing-cpp through its
Python binding. For every decoder, file decoding and grey conversion are not timed, each image
is searched --repeats times and its median time kept.

Success means exactly the expected set of payloads: every code found, nothing else. A payload
that is not among an image's expected ones is a wrong payload (on a negative: a false positive).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pin(cpu):
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


# The qr_corpus example: the release build main() makes, unless --exe names another.
QR_EXE = ROOT / "target" / "release" / "examples" / "qr_corpus"


def run_rust(corpus, decoder, repeats, cpu):
    cmd = [str(QR_EXE), str(corpus / "manifest.json"), decoder, str(repeats)]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {r["file"]: r for r in json.loads(out)}


def run_zxing(corpus, manifest, repeats):
    import numpy as np
    import zxingcpp
    from PIL import Image

    results = {}
    for e in manifest:
        img = Image.open(corpus / e["file"])
        if img.mode in ("RGBA", "LA", "P"):
            img = img.convert("RGBA")
            bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(bg, img)
        grey = np.asarray(img.convert("L"))
        times, found = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            found = [r.text for r in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)]
            times.append((time.perf_counter() - t0) * 1000)
        results[e["file"]] = {"payloads": found, "ms": sorted(times)[len(times) // 2]}
    return results


def pctl(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def score(manifest, results):
    rows = []
    for e in manifest:
        r = results.get(e["file"], {})
        got = set(r.get("payloads", []))
        want = set(e["expected"])
        rows.append(dict(
            entry=e, ok=got == want, wrong=len(got - want) if want else 0, fp=bool(got) and not want,
            partial=bool(got & want) and got != want, ms=r.get("ms", float("nan")), error=r.get("error")))
    return rows


def summary(rows):
    pos = [r for r in rows if r["entry"]["expected"]]
    neg = [r for r in rows if not r["entry"]["expected"]]
    times = [r["ms"] for r in rows]
    return dict(
        success=sum(r["ok"] for r in pos), positives=len(pos), fp=sum(r["fp"] for r in neg), negatives=len(neg),
        wrong=sum(r["wrong"] for r in pos), partial=sum(r["partial"] for r in pos), errors=sum(bool(r["error"]) for r in rows),
        median=statistics.median(times) if times else float("nan"), p95=pctl(times, 0.95))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=1, help="CPU core to pin every decoder to (-1: no pinning)")
    ap.add_argument("--decoders", default="ninsho,rqrr,zxing-cpp")
    ap.add_argument("--json", type=Path, help="also write all per-image results here")
    ap.add_argument("--failures", action="store_true", help="list the images Ninsho fails")
    ap.add_argument("--exe", type=Path,
                    help="a qr_corpus example already built (make test's debug build) instead of building a release one")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if Ninsho reports a false positive or a wrong payload, or cannot read an image")
    args = ap.parse_args()
    cpu = None if args.cpu < 0 else args.cpu

    manifest = json.loads((args.corpus / "manifest.json").read_text())
    global QR_EXE
    if args.exe:
        QR_EXE = args.exe.resolve()
        if not QR_EXE.is_file():
            sys.exit(f"{QR_EXE} is missing: build it first (make build)")
    else:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "ninsho-core", "--example", "qr_corpus"],
                       cwd=ROOT, check=True)

    decoders = args.decoders.split(",")
    results = {}
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    for d in decoders:
        t0 = time.time()
        if d == "zxing-cpp":
            pin(cpu)
            results[d] = run_zxing(args.corpus, manifest, args.repeats)
        else:
            results[d] = run_rust(args.corpus, d, args.repeats, cpu)
        print(f"# {d}: {time.time() - t0:.0f} s", file=sys.stderr)

    scored = {d: score(manifest, results[d]) for d in decoders}
    pos = sum(1 for e in manifest if e["expected"])
    print(f"## QR corpus bench — {len(manifest)} images ({pos} positives, {len(manifest) - pos} negatives), "
          f"started {started}, repeats {args.repeats}, CPU {cpu if cpu is not None else 'any'}\n")
    print("| decoder | success | false positives | wrong payloads | partial (multi) | median ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for d in decoders:
        s = summary(scored[d])
        print(f"| {d} | {100 * s['success'] / s['positives']:.1f} % ({s['success']}/{s['positives']}) | {s['fp']}/{s['negatives']} | "
              f"{s['wrong']} | {s['partial']} | {s['median']:.1f} | {s['p95']:.1f} |")

    print("\n### Time per resolution (ms, median / p95)\n")
    resolutions = ["res:small", "res:1080p", "res:1440p", "res:4k"]
    print("| decoder | " + " | ".join(f"{r[4:]} ({sum(r in e['tags'] for e in manifest)})" for r in resolutions) + " |")
    print("|---|" + "---|" * len(resolutions))
    for d in decoders:
        cells = []
        for res in resolutions:
            t = [r["ms"] for r in scored[d] if res in r["entry"]["tags"]]
            cells.append(f"{statistics.median(t):.1f} / {pctl(t, 0.95):.1f}" if t else "–")
        print(f"| {d} | " + " | ".join(cells) + " |")

    print("\n### Success by category (%)\n")
    tags = defaultdict(int)
    for e in manifest:
        if e["expected"]:
            for t in e["tags"]:
                tags[t] += 1
    print("| category | n | " + " | ".join(decoders) + " |")
    print("|---|---|" + "---|" * len(decoders))
    for t in sorted(tags):
        cells = []
        for d in decoders:
            rs = [r for r in scored[d] if t in r["entry"]["tags"] and r["entry"]["expected"]]
            cells.append(f"{100 * sum(r['ok'] for r in rs) / len(rs):.0f}")
        print(f"| {t} | {tags[t]} | " + " | ".join(cells) + " |")
    neg_tags = sorted({t for e in manifest if not e["expected"] for t in e["tags"] if t.startswith("neg:")})
    print("\nNegatives with any payload: " + ", ".join(
        f"{d} {sum(r['fp'] for r in scored[d])}" for d in decoders) + f" (kinds: {', '.join(neg_tags)})")

    if args.failures and "ninsho" in scored:
        print("\n### Ninsho failures\n")
        for r in scored["ninsho"]:
            if not r["ok"]:
                z = "zxing ok" if "zxing-cpp" in scored and scored["zxing-cpp"][scored["ninsho"].index(r)]["ok"] else ""
                print(f"- {r['entry']['file']} {' '.join(r['entry']['tags'])} module={r['entry']['module_px']} {z}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({d: results[d] for d in decoders}, indent=0))
    if args.check and "ninsho" in scored:
        s = summary(scored["ninsho"])
        if s["fp"] or s["wrong"] or s["errors"] or s["success"] == 0:
            print(f"CHECK FAILED: ninsho false positives {s['fp']}, wrong payloads {s['wrong']}, "
                  f"unreadable images {s['errors']}, successes {s['success']}", file=sys.stderr)
            sys.exit(1)
        print(f"check passed: no false positive, no wrong payload ({s['success']}/{s['positives']} found)", file=sys.stderr)


if __name__ == "__main__":
    main()
