#!/usr/bin/env python3
"""Extract fuzz seeds from the test fixtures into Fuzz/corpus/<target>/ (generated, gitignored).

  python3 Fuzz/seed.py            # all targets
  python3 Fuzz/seed.py HC1 CBOR   # only these

Sources: Tests/Fixtures/dcc/**/*.json (upstream dgc-testdata files) — PREFIX (HC1 text),
BASE45, COMPRESSED (zlib, hex), COSE (hex), CBOR (hex), TESTCTX.CERTIFICATE (signer DER,
base64, written to Fuzz/corpus/HC1-trust/ for the HC1 target's trust store). CCCD and
PC-Covid seeds are synthetic, in the shapes of ../shared/DESIGN.md. Invitation seeds are
signed by the Invitation target itself (Fuzz/run.sh Invitation writes them first).
Seed files are named by content hash, so re-running is idempotent.
"""
import base64
import binascii
import glob
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "dcc")
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
MAX_LEN = 8192  # the runs use -max_len=8192; longer seeds would only be truncated

TARGETS = ["Base45", "CBOR", "COSE", "HC1", "CCCD", "BHYT", "PersonalQR", "Inflate", "Invitation", "ManualForm"]


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or len(data) > MAX_LEN:
        return 0
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16])
    if os.path.exists(path):
        return 0
    with open(path, "wb") as f:
        f.write(data)
    return 1


def unhex(s):
    try:
        return binascii.unhexlify("".join(str(s).split()))
    except (binascii.Error, ValueError):
        return None


def fixtures():
    for path in sorted(glob.glob(os.path.join(FIXTURES, "**", "*.json"), recursive=True)):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict):
            yield doc


def main(wanted):
    counts = {t: 0 for t in wanted}

    def add(target, data):
        if target in counts and data is not None:
            counts[target] += put(target, data)

    for doc in fixtures():
        prefix = doc.get("PREFIX")
        if isinstance(prefix, str):
            add("HC1", prefix)
            # Base45 sees what follows the prefix.
            add("Base45", prefix[4:] if prefix.startswith("HC1:") else prefix)
        if isinstance(doc.get("BASE45"), str):
            add("Base45", doc["BASE45"])
        add("Inflate", unhex(doc["COMPRESSED"]) if isinstance(doc.get("COMPRESSED"), str) else None)
        cose = unhex(doc["COSE"]) if isinstance(doc.get("COSE"), str) else None
        cbor = unhex(doc["CBOR"]) if isinstance(doc.get("CBOR"), str) else None
        add("COSE", cose)
        add("CBOR", cose)
        add("CBOR", cbor)
        # The HC1 target also takes raw COSE bytes and wraps them (see Fuzz/HC1.swift).
        add("HC1", cose)
        ctx = doc.get("TESTCTX")
        if isinstance(ctx, dict) and isinstance(ctx.get("CERTIFICATE"), str):
            try:
                der = base64.b64decode("".join(ctx["CERTIFICATE"].split()), validate=False)
            except (binascii.Error, ValueError):
                der = None
            if der and "HC1" in counts:
                put("HC1-trust", der)

    # Synthetic identity codes (no fixtures upstream). Shapes from DESIGN.md.
    cccd = [
        "079203001234|273456789|Nguyễn Văn An|01021990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|15062021",
        "001099012345||Trần Thị Bích Ngọc|31121999|Nữ|Số 5 ngõ 12 Hoàng Hoa Thám, Ba Đình, Hà Nội|01072022",
        "038190000111|Lê Minh Tuấn|29021992|Nam|Thôn 3, Xã Vĩnh Ngọc, Nha Trang, Khánh Hòa|10102021",
        "NGUYEN VAN AN|01021990",
        "079203001234|273456789|NGUYEN VAN AN|01021990|Nam||",
        # The 2024 card: a cancelled number, parents' names, a trailing `|` or `\r`.
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|Số 5, Phường Bến Nghé, Quận 1|20082024|001087654321|Lê Văn Bình|Trần Thị Cúc|",
        "001099012345||Lê Thị Hoa|15082015||Lê Văn Bình|Trần Thị Cúc|Thôn Đông, Xã An Bình|20082024\r",
    ]
    def hx(t):
        return t.encode("utf-8").hex()
    bhyt = [
        "HS4010120878811|" + hx("Nguyễn Văn An") + "|01/01/1990|1|" + hx("1 Tràng Tiền, Hà Nội") + "|01 - 024|01/01/2026|31/12/2026|15/01/2026|-|4|$",
        "GD4797915373512|Trần Thị Bình|15/07/1985|2|$",
        "GD4797915373512|" + hx("Vũ Đức") + "|1960|1||79 - 001|01/01/2026|31/12/2026|$\r",
    ]
    for s in bhyt:
        add("BHYT", s)
        add("CCCD", s)
    personal = [
        "079203001234|NGUYEN VAN AN|1990-02-01|1|QID123456|EXT",
        "******001234|TRAN THI BICH NGOC|1999-12-31",
        "B1234567|LE MINH TUAN|1992-02-29|2|",
        "273456789|PHAM THU HA|1985-07-15|0|Q-000001|",
    ]
    for s in cccd:
        add("CCCD", s)
        add("PersonalQR", s)
    for s in personal:
        add("PersonalQR", s)
        add("CCCD", s)

    # Manual-form fields, tab-separated: name, id, phone, org, host, purpose, temperature, margin.
    manual = [
        "Nguyễn Văn An\t079203001234\t0912345678\tCông ty A\tChị Lan\tHọp\t36,8\t15m",
        "Trần Thị B\t\t+84 912 345 678\t\t\t\t38.1\t2h30m",
        "X\tB1234567\t0912.345.678\t\t\t\tinf\t999999999999999d",
        "001099012399||Quách Tĩnh|01011999|Nam|Hà Nội|01012021\t\t\t\t\t\t1e300\t90",
        "Y\t******1234\t*******678\t\t\t\tnan\t-5m",
    ]
    for s in manual:
        add("ManualForm", s)

    for t in wanted:
        d = os.path.join(CORPUS, t)
        n = len(os.listdir(d)) if os.path.isdir(d) else 0
        print(f"{t}: {counts[t]} new seeds, {n} files in Fuzz/corpus/{t}")


if __name__ == "__main__":
    args = sys.argv[1:] or TARGETS
    bad = [a for a in args if a not in TARGETS]
    if bad:
        sys.exit(f"unknown target(s): {' '.join(bad)}; known: {' '.join(TARGETS)}")
    main(args)
