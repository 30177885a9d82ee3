"""Peer for the SM differential tests: pyca `cryptography`'s SM3, HKDF-SM3
(RFC 5869 over SM3) and SM4-GCM (the OpenSSL implementation under pyca).

Reads one JSON request on stdin:
  {"sm3": [hex msg, ...],
   "hkdf": [{"salt": hex, "ikm": hex, "info": hex, "len": n}, ...],
   "extract": [{"salt": hex, "ikm": hex}, ...],
   "gcm_seal": [{"key": hex, "nonce": hex, "aad": hex, "pt": hex}, ...],
   "gcm_open": [{"key": hex, "nonce": hex, "aad": hex, "ct": hex of ct||tag}, ...]}
and writes {"sm3": [hex], "hkdf": [hex], "extract": [hex],
            "gcm_seal": [hex of ct||tag], "gcm_open": [hex or null]}.
"""

import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def sm3(msg):
    h = hashes.Hash(hashes.SM3())
    h.update(msg)
    return h.finalize()


def extract(salt, ikm):
    # RFC 5869 HKDF-Extract: HMAC-SM3(salt, ikm); an empty salt is HashLen zeros.
    h = HMAC(salt if salt else b"\0" * 32, hashes.SM3())
    h.update(ikm)
    return h.finalize()


def gcm_seal(key, nonce, aad, pt):
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    ct = enc.update(pt) + enc.finalize()
    return ct + enc.tag


def gcm_open(key, nonce, aad, ct):
    body, tag = ct[:-16], ct[-16:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad)
    try:
        return dec.update(body) + dec.finalize()
    except Exception:  # noqa: BLE001 - any failure is reported as null
        return None


def main():
    req = json.load(sys.stdin)
    h = bytes.fromhex
    out = {
        "sm3": [sm3(h(m)).hex() for m in req.get("sm3", [])],
        "hkdf": [
            HKDF(hashes.SM3(), c["len"], h(c["salt"]) or None, h(c["info"]))
            .derive(h(c["ikm"]))
            .hex()
            for c in req.get("hkdf", [])
        ],
        "extract": [extract(h(c["salt"]), h(c["ikm"])).hex() for c in req.get("extract", [])],
        "gcm_seal": [
            gcm_seal(h(c["key"]), h(c["nonce"]), h(c["aad"]), h(c["pt"])).hex()
            for c in req.get("gcm_seal", [])
        ],
        "gcm_open": [],
    }
    for c in req.get("gcm_open", []):
        pt = gcm_open(h(c["key"]), h(c["nonce"]), h(c["aad"]), h(c["ct"]))
        out["gcm_open"].append(None if pt is None else pt.hex())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
