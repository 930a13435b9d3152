#!/usr/bin/env python3
"""embed-text.py INPUT OUTPUT SYMBOL: a C header holding INPUT's text as
the string constant SYMBOL, for files compiled into the program."""
import sys

src, out, symbol = sys.argv[1:4]
text = open(src, encoding="utf-8").read()
with open(out, "w", encoding="utf-8") as f:
    f.write(f"/* Generated from {src.split('/')[-1]} by embed-text.py; do not edit. */\n#pragma once\n\n")
    f.write(f"static const char {symbol}[] =\n")
    for line in text.splitlines(keepends=True):
        esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        f.write(f'  "{esc}"\n')
    f.write("  ;\n")
