#!/usr/bin/env python3
"""Writes an Ente Auth encrypted export with libsodium (PyNaCl), the way Ente's apps do:
Argon2id (crypto_pwhash, opslimit/memlimit as given) derives the key, and an XChaCha20-Poly1305
secret stream (one final message) encrypts the otpauth URI lines; the stream header is the
export's "encryptionNonce". Used by the tests to check Ninsho's reader against libsodium.

Usage: ente_encrypt.py PASSWORD OPSLIMIT MEMLIMIT_BYTES < uris.txt > export.json
"""
import base64
import json
import os
import sys

from nacl import bindings, pwhash


def main():
    password = sys.argv[1].encode()
    ops, mem = int(sys.argv[2]), int(sys.argv[3])
    data = sys.stdin.buffer.read()
    salt = os.urandom(pwhash.argon2id.SALTBYTES)
    key = pwhash.argon2id.kdf(32, password, salt, opslimit=ops, memlimit=mem)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    header = bindings.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    sealed = bindings.crypto_secretstream_xchacha20poly1305_push(
        state, data, tag=bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    b64 = lambda b: base64.b64encode(b).decode()
    json.dump({
        "version": 1,
        "kdfParams": {"memLimit": mem, "opsLimit": ops, "salt": b64(salt)},
        "encryptedData": b64(sealed),
        "encryptionNonce": b64(header),
    }, sys.stdout)


if __name__ == "__main__":
    main()
