"""Peer for the Merkle differential tests: RFC 6962 §2.1 written out from its
definitions (MTH, PATH, PROOF/SUBPROOF), over pyca `cryptography`'s SHA-256
or SM3 (the OpenSSL implementations under pyca). Nothing here is derived
from mpshield's code.

Reads one JSON request on stdin:
  {"hash": "sha256" | "sm3", "leaves": [hex data, ...]}
and writes, for every size n = 1 .. len(leaves):
  {"empty": hex MTH({}),
   "trees": [{"size": n, "root": hex,
              "inclusion": [[hex, ...] for m in 0 .. n-1],
              "consistency": [[hex, ...] for m in 1 .. n]}, ...]}
"""

import json
import sys

from cryptography.hazmat.primitives import hashes


def make_hash(name):
    algorithm = {"sha256": hashes.SHA256, "sm3": hashes.SM3}[name]

    def h(data):
        ctx = hashes.Hash(algorithm())
        ctx.update(data)
        return ctx.finalize()

    return h


def largest_power_of_two_below(n):
    # The largest power of two k with k < n (n > 1).
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(h, d):
    # RFC 6962 §2.1: MTH({}) = HASH(); MTH({d0}) = HASH(0x00 || d0);
    # MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
    n = len(d)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + d[0])
    k = largest_power_of_two_below(n)
    return h(b"\x01" + mth(h, d[:k]) + mth(h, d[k:]))


def path(h, m, d):
    # RFC 6962 §2.1.1: PATH(m, D[n]).
    n = len(d)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return path(h, m, d[:k]) + [mth(h, d[k:])]
    return path(h, m - k, d[k:]) + [mth(h, d[:k])]


def subproof(h, m, d, b):
    # RFC 6962 §2.1.2: SUBPROOF(m, D[n], b).
    n = len(d)
    if m == n:
        return [] if b else [mth(h, d)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return subproof(h, m, d[:k], b) + [mth(h, d[k:])]
    return subproof(h, m - k, d[k:], False) + [mth(h, d[:k])]


def proof(h, m, d):
    # PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
    return subproof(h, m, d, True)


def main():
    req = json.load(sys.stdin)
    h = make_hash(req["hash"])
    leaves = [bytes.fromhex(x) for x in req["leaves"]]
    trees = []
    for n in range(1, len(leaves) + 1):
        d = leaves[:n]
        trees.append(
            {
                "size": n,
                "root": mth(h, d).hex(),
                "inclusion": [[x.hex() for x in path(h, m, d)] for m in range(n)],
                "consistency": [
                    [x.hex() for x in proof(h, m, d)] for m in range(1, n + 1)
                ],
            }
        )
    json.dump({"empty": h(b"").hex(), "trees": trees}, sys.stdout)


if __name__ == "__main__":
    main()
