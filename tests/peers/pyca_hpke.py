"""Peer for the differential HPKE test: pyca `cryptography`'s RFC 9180
implementation (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256).

Reads one JSON request on stdin:
  {"seal": [{"aead": id, "pk": hex, "info": hex, "pt": hex}, ...],
   "open": [{"aead": id, "sk": hex, "info": hex, "ct": hex of enc||ct}, ...]}
and writes {"sealed": [hex of enc||ct, ...], "opened": [hex or null, ...]}.
"""

import json
import sys

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)

AEADS = {
    1: hpke.AEAD.AES_128_GCM,
    2: hpke.AEAD.AES_256_GCM,
    3: hpke.AEAD.CHACHA20_POLY1305,
}


def suite(aead_id):
    return hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, AEADS[aead_id])


def main():
    req = json.load(sys.stdin)
    sealed = []
    for c in req.get("seal", []):
        pk = X25519PublicKey.from_public_bytes(bytes.fromhex(c["pk"]))
        out = suite(c["aead"]).encrypt(
            bytes.fromhex(c["pt"]), pk, bytes.fromhex(c["info"])
        )
        sealed.append(out.hex())
    opened = []
    for c in req.get("open", []):
        sk = X25519PrivateKey.from_private_bytes(bytes.fromhex(c["sk"]))
        try:
            pt = suite(c["aead"]).decrypt(
                bytes.fromhex(c["ct"]), sk, bytes.fromhex(c["info"])
            )
            opened.append(pt.hex())
        except Exception:  # noqa: BLE001 - any failure is reported as null
            opened.append(None)
    json.dump({"sealed": sealed, "opened": opened}, sys.stdout)


if __name__ == "__main__":
    main()
