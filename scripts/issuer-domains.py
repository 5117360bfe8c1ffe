#!/usr/bin/env python3
"""Writes core/data/issuer-domains.tsv from a clone (bare or not) of 2fa.directory's data
(https://github.com/2factorauth/twofactorauth, MIT licence): for each site that offers
authenticator codes (TOTP), its name and its domains. Facts only, nothing else of an entry.

    scripts/issuer-domains.py PATH/TO/twofactorauth[.git] > core/data/issuer-domains.tsv

Ninsho reduces each domain to its registrable domain when it seeds an account's sites; names
the sites' own QR codes use that differ from the directory's are in issuer-domains-extra.tsv.
"""
import json
import pathlib
import subprocess
import sys
import tarfile
import io


def main() -> None:
    repo = pathlib.Path(sys.argv[1])
    git = ["git", "-C", str(repo)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run([*git, "archive", "HEAD", "entries"], capture_output=True, check=True).stdout
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".json"):
                files[member.name] = tar.extractfile(member).read().decode("utf-8")
    rows = {}
    for path in sorted(files):
        for name, entry in json.loads(files[path]).items():
            if "totp" not in entry.get("tfa", []):
                continue
            domains = [entry["domain"], *entry.get("additional-domains", [])]
            clean = [d.strip().lower().rstrip(".") for d in domains if d.strip()]
            name = " ".join(name.split())
            if not name or "\t" in name or any(" " in d or "\t" in d for d in clean):
                continue
            rows.setdefault(name, [])
            rows[name] += [d for d in clean if d not in rows[name]]
    out = sys.stdout
    out.write(
        "# Sites that offer authenticator codes, and their domains: from 2fa.directory\n"
        "# (https://github.com/2factorauth/twofactorauth, commit " + commit + "),\n"
        "# Copyright (c) 2021 2factorauth and Contributors, MIT licence; facts only.\n"
        "# Written by scripts/issuer-domains.py. name<TAB>domain[ domain...]\n"
    )
    for name in sorted(rows, key=str.casefold):
        out.write(f"{name}\t{' '.join(rows[name])}\n")


if __name__ == "__main__":
    main()
