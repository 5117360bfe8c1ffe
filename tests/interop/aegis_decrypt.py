#!/usr/bin/env python3
"""Decrypts an Aegis vault file with Python's `cryptography`, following Aegis's published
vault format (docs/vault.md): scrypt(password, slot salt, N, r, p) -> 32-byte key; AES-256-GCM
unwraps the master key (key || key_params.tag, nonce key_params.nonce); the master key decrypts
base64(db) || header.params.tag with header.params.nonce. Prints the entries as JSON lines.

Written independently of Ninsho's Rust code, so that an export both can read is one Aegis reads.
Usage: aegis_decrypt.py VAULT.json PASSWORD
"""
import base64
import json
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def main():
    vault = json.load(open(sys.argv[1], encoding="utf-8"))
    password = sys.argv[2].encode()
    assert vault["version"] == 1, "unknown vault version"
    header = vault["header"]
    master = None
    for slot in header["slots"]:
        if slot["type"] != 1:
            continue
        kdf = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"])
        key = kdf.derive(password)
        params = slot["key_params"]
        try:
            master = AESGCM(key).decrypt(bytes.fromhex(params["nonce"]),
                                         bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]), None)
            break
        except Exception:
            continue
    if master is None:
        print("wrong password", file=sys.stderr)
        sys.exit(1)
    params = header["params"]
    content = AESGCM(master).decrypt(bytes.fromhex(params["nonce"]),
                                     base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]), None)
    db = json.loads(content)
    assert db["version"] <= 3
    for entry in db["entries"]:
        info = entry["info"]
        print(json.dumps({
            "type": entry["type"], "issuer": entry["issuer"], "name": entry["name"],
            "secret": info["secret"], "algo": info["algo"], "digits": info["digits"],
            "period": info.get("period"), "counter": info.get("counter"),
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
