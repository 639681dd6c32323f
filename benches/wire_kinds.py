#!/usr/bin/env python3
"""Where a terminal program's bytes go, by kind of sequence.

  BINALOG_WIRE_DUMP=/tmp/wire BINALOG_WIRE_SESSIONS=1 cargo bench --bench wire
  python3 benches/wire_kinds.py /tmp/wire            # one line per key
  python3 benches/wire_kinds.py -v /tmp/wire/042-t   # and the bytes, readable

Kinds: move (CUP, CUU/CUD/CUF/CUB, CR, LF, reverse index), sgr (colour and
attributes), erase (EL, ED), charset (ESC ( 0 / ESC ( B), region (DECSTBM),
mode (CSI ? ... h/l), text (everything printed, UTF-8 counted in bytes).
Not run by CI.
"""
import os, re, sys

SEQ = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[@-_]|[\r\n]")


def kind(seq):
    if seq in (b"\r", b"\n") or seq == b"\x1bM":
        return "move"
    if seq[:2] in (b"\x1b(", b"\x1b)"):
        return "charset"
    final = seq[-1:]
    if seq.startswith(b"\x1b[?"):
        return "mode"
    if final == b"m":
        return "sgr"
    if final in b"HABCDfGd":
        return "move"
    if final in b"JK":
        return "erase"
    if final == b"r":
        return "region"
    return "other"


def kinds(data):
    out = {k: 0 for k in ("move", "sgr", "erase", "charset", "region", "mode", "text", "other")}
    pos = 0
    for m in SEQ.finditer(data):
        out["text"] += m.start() - pos
        out[kind(m.group())] += len(m.group())
        pos = m.end()
    out["text"] += len(data) - pos
    return out


def readable(data):
    return data.decode("utf-8", "replace").encode("unicode_escape").decode().replace("\\x1b", "⎋")


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    paths = []
    for a in args:
        paths += [os.path.join(a, f) for f in sorted(os.listdir(a))] if os.path.isdir(a) else [a]
    cols = ("move", "sgr", "erase", "charset", "region", "mode", "text", "other")
    print(f"{'key':28} {'total':>6} " + " ".join(f"{c:>7}" for c in cols))
    for p in paths:
        data = open(p, "rb").read()
        k = kinds(data)
        print(f"{os.path.basename(p)[:28]:28} {len(data):6} " + " ".join(f"{k[c]:7}" for c in cols))
        if verbose:
            print("   ", readable(data))


if __name__ == "__main__":
    main()
