"""Peer for the SM primitive checks of the HPKE oracle
(tests/js/hpke-oracle.test.mjs): pyca `cryptography` (SM3, HMAC-SM3,
HKDF-SM3, SM4-ECB, SM4-GCM; it has no SM2) and Python `gmssl` (SM2 point
multiplication, CryptSM2._kg).

Reads one JSON request on stdin, every field optional, bytes as hex:
  {"sm3": [msg, ...],
   "hmac_sm3": [{"key", "msg"}, ...],
   "hkdf_sm3": [{"ikm", "salt", "info", "L"}, ...],      # HKDF (RFC 5869)
   "hkdf_expand_sm3": [{"prk", "info", "L"}, ...],       # HKDF-Expand alone
   "sm4_ecb": [{"key", "block"}, ...],
   "sm4_gcm_seal": [{"key", "iv", "aad", "pt"}, ...],    # -> ct || tag
   "sm4_gcm_open": [{"key", "iv", "aad", "ct"}, ...],    # ct || tag -> pt | null
   "sm2_mul": [{"k", "point"}, ...]}                     # point: x||y (128 hex
                                                         # digits), or null for G
and writes the same keys with a list of hex results (x||y for sm2_mul).
"""

import json
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from gmssl import sm2 as gmssl_sm2

h = bytes.fromhex


def sm3(msg):
    d = hashes.Hash(hashes.SM3())
    d.update(h(msg))
    return d.finalize().hex()


def hmac_sm3(c):
    m = hmac.HMAC(h(c["key"]), hashes.SM3())
    m.update(h(c["msg"]))
    return m.finalize().hex()


def hkdf_sm3(c):
    salt = h(c["salt"]) or None
    return HKDF(hashes.SM3(), c["L"], salt, h(c["info"])).derive(h(c["ikm"])).hex()


def hkdf_expand_sm3(c):
    return HKDFExpand(hashes.SM3(), c["L"], h(c["info"])).derive(h(c["prk"])).hex()


def sm4_ecb(c):
    e = Cipher(algorithms.SM4(h(c["key"])), modes.ECB()).encryptor()
    return (e.update(h(c["block"])) + e.finalize()).hex()


def sm4_gcm_seal(c):
    e = Cipher(algorithms.SM4(h(c["key"])), modes.GCM(h(c["iv"]))).encryptor()
    e.authenticate_additional_data(h(c["aad"]))
    ct = e.update(h(c["pt"])) + e.finalize()
    return (ct + e.tag).hex()


def sm4_gcm_open(c):
    data = h(c["ct"])
    body, tag = data[:-16], data[-16:]
    d = Cipher(algorithms.SM4(h(c["key"])), modes.GCM(h(c["iv"]), tag)).decryptor()
    d.authenticate_additional_data(h(c["aad"]))
    try:
        return (d.update(body) + d.finalize()).hex()
    except InvalidTag:
        return None


def sm2_mul(c):
    # _kg(k, P) works on the point as x||y hex and returns x||y (zero-padded);
    # the constructor's key parsing is not used (it strips a leading "04"
    # character pair wrongly for some keys).
    crypt = gmssl_sm2.CryptSM2(private_key="", public_key="")
    point = c["point"] or gmssl_sm2.default_ecc_table["g"]
    return crypt._kg(int(c["k"], 16), point)


OPS = {
    "sm3": sm3,
    "hmac_sm3": hmac_sm3,
    "hkdf_sm3": hkdf_sm3,
    "hkdf_expand_sm3": hkdf_expand_sm3,
    "sm4_ecb": sm4_ecb,
    "sm4_gcm_seal": sm4_gcm_seal,
    "sm4_gcm_open": sm4_gcm_open,
    "sm2_mul": sm2_mul,
}


def main():
    req = json.load(sys.stdin)
    out = {name: [op(c) for c in req.get(name, [])] for name, op in OPS.items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
