"""Peer for the SM2 differential tests: Python `gmssl` (PyPI, pinned in
requirements-test.txt).

Reads a JSON array of requests on stdin, writes a JSON array of answers:

  {"op": "sign", "d": hex, "msg": str, "k": hex | null} -> {"sig": hex r||s}
  {"op": "verify", "pub": hex 04||x||y, "msg": str, "sig": hex} -> {"ok": bool}

`msg` is text, signed as its UTF-8 bytes. Signatures are SM2 with SM3 and
the default distinguishing ID 1234567812345678 (gmssl hard-codes it).

Quirks handled here: CryptSM2 strips a leading "04" from the public key with
`lstrip("04")`, which also eats leading '0'/'4' digits of x, so the key is
set on the object after construction; `sign_with_sm3` draws its own k
unless given one (the standard's example passes its k).
"""

import json
import sys

from gmssl import sm2


def crypt(private_key, public_xy):
    c = sm2.CryptSM2(private_key=private_key, public_key="00" * 64)
    c.public_key = public_xy
    return c


def public_of(d):
    # [d]G with the library's own point arithmetic.
    c = crypt(d, "00" * 64)
    return c._kg(int(d, 16), c.ecc_table["g"])


def answer(req):
    if req["op"] == "sign":
        c = crypt(req["d"], public_of(req["d"]))
        sig = c.sign_with_sm3(req["msg"].encode("utf-8"), req.get("k"))
        return {"sig": sig}
    if req["op"] == "verify":
        pub = req["pub"]
        if not pub.startswith("04") or len(pub) != 130:
            return {"error": "public key must be 04||x||y"}
        c = crypt(None, pub[2:])
        return {"ok": bool(c.verify_with_sm3(req["sig"], req["msg"].encode("utf-8")))}
    return {"error": "unknown op " + req["op"]}


def main():
    out = []
    for req in json.load(sys.stdin):
        try:
            out.append(answer(req))
        except Exception as e:  # reported to the Rust side, which asserts
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
