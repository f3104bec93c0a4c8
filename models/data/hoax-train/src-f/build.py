#!/usr/bin/env python3
"""Parse writer f's hand-written blocks into JSON lines. Makes no text of its own.

claims.txt : '#htf-NNN | rating | date | source | url' header, then the claim text.
pairs-*.txt: '@NNNN | claim_id|null | kind | platform | label | category | register|null' header,
             then the act's text, then optionally a line '--' followed by the context.
Lines starting with '%%' are comments. Output: build/claims.jsonl, build/pairs-f.jsonl.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "build"
CLAIM_HEAD = re.compile(r"^#(htf-\d{3}) \| ([^|]+?) \| (\d{4}-\d\d-\d\d) \| ([^|]+?) \| (\S+)$")
PAIR_HEAD = re.compile(r"^@(\d{4}) \| (htf-\d{3}|null) \| (\w+) \| (\w+) \| (\w+) \| (\w+) \| (\w+)$")


def strip_blank(lines):
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def claims():
    out, cur = [], None
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        m = CLAIM_HEAD.match(line)
        if m:
            cur = {"id": m[1], "claim": [], "rating": m[2], "url": m[5], "date": m[3], "source": m[4]}
            out.append(cur)
        elif cur is not None and not line.startswith("%%"):
            cur["claim"].append(line.strip())
    for c in out:
        c["claim"] = " ".join(x for x in c["claim"] if x)
    return out


def pairs():
    out, cur = [], None
    files = sorted(HERE.glob("pairs-*.txt"))
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("%%"):
                continue
            m = PAIR_HEAD.match(line)
            if m:
                cur = {"num": m[1], "head": m, "body": [], "where": f"{f.name}:{n}"}
                out.append(cur)
            elif line.startswith("@") and re.match(r"^@\d{4} ", line):
                raise SystemExit(f"{f.name}:{n}: malformed header {line!r}")
            elif cur is not None:
                cur["body"].append(line)
    result = []
    for b in out:
        m = b["head"]
        body = b["body"]
        if "--" in body:
            i = body.index("--")
            text, ctx = strip_blank(body[:i]), strip_blank(body[i + 1:])
            context = "\n".join(ctx) if ctx else None
        else:
            text, context = strip_blank(body), None
        result.append({
            "id": f"htf-x{m[1]}",
            "claim_id": None if m[2] == "null" else m[2],
            "kind": m[3],
            "text": "\n".join(text),
            "context": context,
            "platform": m[4],
            "label": m[5],
            "category": m[6],
            "register": None if m[7] == "null" else m[7],
            "split": "train",
        })
    return result


def main():
    OUT.mkdir(exist_ok=True)
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as fh:
        for c in claims():
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / "pairs-f.jsonl", "w", encoding="utf-8") as fh:
        for p in pairs():
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
