#!/usr/bin/env python3
"""Reference HC1 verifier: what a user would otherwise script with the PyPI packages
base45, cbor2 and cryptography. Same steps as the kiosk (Base45, zlib, COSE_Sign1, ES256 or
PS256 signature with the DSC, iat/exp at the clock). Used by `make bench` as the baseline.

Usage: hc1_verify.py FIXTURES_DIR SECONDS
Prints one line: `<verifications> <seconds> <per_second> <vectors>`.
"""
import base64
import glob
import json
import os
import sys
import time
import zlib
from datetime import datetime, timezone

import base45
import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def parse_clock(text):
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits):]
        text = head + "." + digits[:6].ljust(6, "0") + zone
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def verify(prefix, cert, clock):
    if not prefix.startswith("HC1:"):
        return False
    cose = zlib.decompress(base45.b45decode(prefix[4:]))
    msg = cbor2.loads(cose)
    if isinstance(msg, cbor2.CBORTag):
        msg = msg.value
        if isinstance(msg, cbor2.CBORTag):
            msg = msg.value
    protected, unprotected, payload, signature = msg
    header = cbor2.loads(protected) if protected else {}
    alg = header.get(1, unprotected.get(1))
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    key = cert.public_key()
    if alg == -7:
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        key.verify(encode_dss_signature(r, s), sig_structure, ec.ECDSA(hashes.SHA256()))
    elif alg == -37:
        key.verify(signature, sig_structure, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    else:
        return False
    claims = cbor2.loads(payload)
    return claims.get(6, 0) <= clock <= claims.get(4, 0)


def main():
    root, seconds = sys.argv[1], float(sys.argv[2])
    vectors = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.json"), recursive=True)):
        with open(path) as f:
            d = json.load(f)
        exp = d.get("EXPECTEDRESULTS", {})
        ctx = d.get("TESTCTX", {})
        clock = ctx.get("VALIDATIONCLOCK") or ctx.get("validationClockInstant")
        if not (exp.get("EXPECTEDVERIFY") and exp.get("EXPECTEDEXPIRATIONCHECK") and "CERTIFICATE" in ctx and clock):
            continue
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(ctx["CERTIFICATE"]))
            if verify(d["PREFIX"], cert, parse_clock(clock)):
                vectors.append((d["PREFIX"], cert, parse_clock(clock)))
        except Exception:
            continue  # vectors this script cannot handle are left out of both sides' timing
    if not vectors:
        print("no vectors", file=sys.stderr)
        sys.exit(1)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for prefix, cert, clock in vectors:
            if not verify(prefix, cert, clock):
                print("verification failed", file=sys.stderr)
                sys.exit(1)
            count += 1
    elapsed = time.perf_counter() - start
    print(f"{count} {elapsed:.3f} {count / elapsed:.1f} {len(vectors)}")


if __name__ == "__main__":
    main()
