#!/usr/bin/env python3
"""Signed HC1 health certificates for the soak (Tests/KioskE2ETests/SoakTests.swift).

The official EU DCC test files are signed by keys whose certificates expired years ago, so
at the soak's clock they are all denied. This makes a signer of our own (a self-signed P-256
certificate valid around the soak's day) and HC1 codes it signed, exactly as a member
state's issuer does: CWT in COSE_Sign1 (ES256, kid = first 8 bytes of SHA-256 of the
certificate), zlib, Base45, "HC1:". The kiosk must trust the certificate
(`kiosk trust import`) and then admit every code.

usage: make_hc1.py OUT_DIR COUNT YYYY-MM-DD
writes OUT_DIR/signer.pem and OUT_DIR/hc1.jsonl ({"name": ..., "dob": ..., "code": ...} per line)
"""
import datetime
import hashlib
import json
import random
import sys
import zlib

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Đạt"]
ASCII = str.maketrans("ĐđăâêôơưĂÂÊÔƠƯ", "DdaaeoouAAEOOU")


def transliterate(s):
    import unicodedata
    plain = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return plain.translate(ASCII).upper().replace(" ", "<")


def base45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [ALPHABET[n % 45], ALPHABET[(n // 45) % 45], ALPHABET[n // 2025]]
    if len(data) % 2:
        n = data[-1]
        out += [ALPHABET[n % 45], ALPHABET[n // 45]]
    return "".join(out)


def main():
    out_dir, count, day = sys.argv[1], int(sys.argv[2]), datetime.date.fromisoformat(sys.argv[3])
    rng = random.Random(20261201)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "kiosk soak DSC")])
    start = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc) - datetime.timedelta(days=365)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=3 * 365)).sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    kid = hashlib.sha256(der).digest()[:8]
    with open(f"{out_dir}/signer.pem", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    protected = cbor2.dumps({1: -7, 4: kid})
    issued = int(start.timestamp()) + 86400
    expires = issued + 2 * 365 * 86400
    with open(f"{out_dir}/hc1.jsonl", "w", encoding="utf-8") as f:
        for i in range(count):
            fn = rng.choice(FAMILY)
            gn = f"{rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            dob = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            dgc = {"ver": "1.3.0", "dob": dob,
                   "nam": {"fn": fn, "gn": gn, "fnt": transliterate(fn), "gnt": transliterate(gn)},
                   "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                          "dn": 2, "sd": 2, "dt": "2021-09-01", "co": "VN", "is": "Bộ Y tế",
                          "ci": f"URN:UVCI:01:VN:SOAK{i:06d}#{i % 10}"}]}
            payload = cbor2.dumps({1: "VN", 4: expires, 6: issued, -260: {1: dgc}})
            to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
            r, s = decode_dss_signature(key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
            cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))
            code = "HC1:" + base45(zlib.compress(cose, 9))
            f.write(json.dumps({"name": f"{fn} {gn}", "dob": dob, "code": code}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
