"""Peer for the differential SD-JWT tests: the Python reference `sd-jwt`.

Reads one JSON request on stdin, writes one JSON answer on stdout:

  {"op": "issue", "claims": {...}, "sd": [JSON Pointer, ...],
   "issuer_jwk": private JWK, "holder_jwk": public JWK | null,
   "alg": "EdDSA" | "ES256", "decoys": bool, "kid": str | null}
      -> {"sd_jwt": "<JWT>~<D>~...~"}
  {"op": "present", "sd_jwt": str, "frame": {...}, "holder_jwk": private JWK,
   "alg": str, "aud": str, "nonce": str}
      -> {"presentation": str}
  {"op": "verify", "presentation": str, "issuer_jwk": public JWK,
   "aud": str | null, "nonce": str | null}
      -> {"claims": {...}}
Errors: {"error": "<exception type>: <message>"} with exit code 0, so the
Rust side can assert on rejections.

Known differences of sd-jwt 0.10.4 from RFC 9901, which the Rust tests
record: its verifier checks the key-binding JWT with ES256 only, does not
reject unreferenced disclosures, and does not check exp/nbf/iat.
"""

import json
import sys

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def parse_pointer(pointer):
    if pointer == "":
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def mark(value, path, targets):
    """Wraps the members / elements named by `targets` in SDObj."""
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            inner = mark(child, path + [key], targets)
            name = SDObj(key) if tuple(path + [key]) in targets else key
            out[name] = inner
        return out
    if isinstance(value, list):
        out = []
        for i, child in enumerate(value):
            inner = mark(child, path + [str(i)], targets)
            out.append(SDObj(inner) if tuple(path + [str(i)]) in targets else inner)
        return out
    return value


def issue(req):
    targets = {tuple(parse_pointer(p)) for p in req["sd"]}
    claims = mark(req["claims"], [], targets)
    header = {"typ": "dc+sd-jwt"}
    if req.get("kid"):
        header["kid"] = req["kid"]
    holder = JWK(**req["holder_jwk"]) if req.get("holder_jwk") else None
    issuer = SDJWTIssuer(
        claims,
        JWK(**req["issuer_jwk"]),
        holder_key=holder,
        sign_alg=req["alg"],
        add_decoy_claims=req.get("decoys", False),
        extra_header_parameters=header,
    )
    return {"sd_jwt": issuer.sd_jwt_issuance}


def present(req):
    holder = SDJWTHolder(req["sd_jwt"])
    holder.create_presentation(
        req["frame"],
        nonce=req["nonce"],
        aud=req["aud"],
        holder_key=JWK(**req["holder_jwk"]),
        sign_alg=req["alg"],
    )
    return {"presentation": holder.sd_jwt_presentation}


def verify(req):
    key = JWK(**req["issuer_jwk"])
    verifier = SDJWTVerifier(
        req["presentation"],
        lambda _iss, _header: key,
        expected_aud=req.get("aud"),
        expected_nonce=req.get("nonce"),
    )
    return {"claims": verifier.get_verified_payload()}


def main():
    req = json.load(sys.stdin)
    ops = {"issue": issue, "present": present, "verify": verify}
    try:
        out = ops[req["op"]](req)
    except Exception as e:  # noqa: BLE001 - every failure is an answer
        out = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
