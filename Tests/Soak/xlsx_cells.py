#!/usr/bin/env python3
"""Prints the cells of the first sheet of an .xlsx as JSON rows of strings.

The soak (Tests/KioskE2ETests/SoakTests.swift) reads back what LibreOffice made of an
export with this, so the check does not trust LibreOffice to read its own file: an .xlsx is
a zip of XML, and text cells point into xl/sharedStrings.xml (or are inline). Numbers and
dates come out as stored (LibreOffice turns times into serial numbers); empty cells are "".
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def text_of(node):
    # A rich-text string is several <r><t> runs; a plain one is one <t>.
    return "".join(t.text or "" for t in node.iter("{%s}t" % NS["m"]))


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for c in letters:
        n = n * 26 + (ord(c) - 64)
    return n - 1


def main():
    with zipfile.ZipFile(sys.argv[1]) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = [text_of(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        cells = {}
        for c in row.findall("m:c", NS):
            kind = c.get("t")
            if kind == "s":
                value = shared[int(c.find("m:v", NS).text)]
            elif kind == "inlineStr":
                value = text_of(c.find("m:is", NS))
            else:
                v = c.find("m:v", NS)
                value = v.text if v is not None and v.text is not None else ""
            cells[column_index(c.get("r"))] = value
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    json.dump(rows, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
