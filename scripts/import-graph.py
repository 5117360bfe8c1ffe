#!/usr/bin/env python3
"""The module import graph of one Rust crate, read from its source: which module names which.

    scripts/import-graph.py src-tauri/src            # edges, then every circle
    scripts/import-graph.py src-tauri/src --check    # exit 1 if modules import each other in a circle

A module is a file (`a.rs`, or `a/mod.rs` for `a`); an edge a -> b means a's code names
`crate::b…` (in a `use` or inline) or `super::…` that resolves to b. The crate root (lib.rs,
main.rs) is left out: it names every module to declare them. Text only, no compiler: a path
spelled through a re-export counts where the path points, not where the item lives.
"""

import argparse
import re
import sys
from pathlib import Path

PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)
COMMENT = re.compile(r"//[^\n]*")


def modules(src: Path) -> dict[tuple[str, ...], Path]:
    found = {}
    for path in sorted(src.rglob("*.rs")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "mod":
            parts.pop()
        if parts in (["lib"], ["main"]):
            continue
        found[tuple(parts)] = path
    return found


def resolve(mods, parts: tuple[str, ...]):
    """The longest prefix of a path that is a module."""
    for n in range(len(parts), 0, -1):
        if parts[:n] in mods:
            return parts[:n]
    return None


def edges(src: Path):
    mods = modules(src)
    out = {m: set() for m in mods}
    for mod, path in mods.items():
        text = COMMENT.sub("", path.read_text())
        paths = []
        for root, prefix, group in USE_GROUP.findall(text):
            for item in re.split(r",", re.sub(r"\{[^}]*\}", "", group)):
                name = item.strip().split(" as ")[0].strip()
                if name and name != "self":
                    paths.append((root, prefix + "::" + name.split("::")[0]))
                elif name == "self":
                    paths.append((root, prefix))
        paths += PATH.findall(text)
        for root, rest in paths:
            names = tuple(p for p in rest.split("::") if p)
            if root == "super":
                # `mod` already names a mod.rs by its folder, so the parent is one step up either way.
                names = mod[:-1] + names
            target = resolve(mods, names)
            if target and target != mod and not (mod[: len(target)] == target):
                out[mod].add(target)
    return out


def circles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def name(mod):
    return "::".join(mod)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path, help="the crate's src folder")
    ap.add_argument("--check", action="store_true", help="exit 1 if there is a circle")
    args = ap.parse_args()
    graph = edges(args.src)
    if not args.check:
        for mod in sorted(graph):
            targets = ", ".join(name(t) for t in sorted(graph[mod])) or "-"
            print(f"{name(mod)} -> {targets}")
    found = circles(graph)
    for comp in found:
        print(f"circle of {len(comp)} modules: {', '.join(name(m) for m in comp)}")
    if not found:
        print(f"{args.src}: {len(graph)} modules, no circle")
    sys.exit(1 if (found and args.check) else 0)


if __name__ == "__main__":
    main()
