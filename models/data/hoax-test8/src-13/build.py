#!/usr/bin/env python3
"""Parse writer 13's hand-written files into build/claims.jsonl and build/pairs-13.jsonl.

claims.txt : blocks "# id | rating | date | source | url" followed by the claim text.
pairs-*.txt: blocks "@ claim_id | kind | platform | label | category | register",
             then the act's text, then optionally a line "--" and the context.
             "null" stands for None (claim_id, register). Lines starting with "%%" are comments.
Pair ids are numbered ht13-x0001 ... in file order (pairs-a, pairs-b, ...). No text is made here.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "build"
SPLIT = "test8"
PREFIX = "ht13"


def nul(v):
    return None if v == "null" else v


def clean(lines):
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(l.rstrip() for l in lines)


def parse_claims():
    claims, cur = [], None
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^# (ht13-\d{3}) \| (.+?) \| (\d{4}-\d\d-\d\d) \| (.+?) \| (\S+)\s*$", line)
        if m:
            cur = {"id": m[1], "claim": [], "rating": m[2], "url": m[5], "date": m[3], "source": m[4]}
            claims.append(cur)
        elif line.startswith("#") or cur is None:
            continue
        else:
            cur["claim"].append(line)
    for c in claims:
        c["claim"] = " ".join(l.strip() for l in c["claim"] if l.strip())
    return [{k: c[k] for k in ["id", "claim", "rating", "url", "date", "source"]} for c in claims]


def parse_pairs():
    blocks, cur = [], None
    for path in sorted(HERE.glob("pairs-*.txt")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("%%"):
                continue
            if line.startswith("@ "):
                fields = [f.strip() for f in line[2:].split("|")]
                if len(fields) != 6:
                    raise SystemExit(f"{path.name}:{n}: header needs 6 fields: {line}")
                cur = {"head": fields, "text": [], "context": None, "where": f"{path.name}:{n}"}
                blocks.append(cur)
                continue
            if cur is None:
                continue
            if line.strip() == "--" and cur["context"] is None:
                cur["context"] = []
                continue
            (cur["text"] if cur["context"] is None else cur["context"]).append(line)
    pairs = []
    for i, b in enumerate(blocks, 1):
        claim_id, kind, platform, label, category, register = b["head"]
        ctx = clean(b["context"]) if b["context"] is not None else None
        pairs.append({
            "id": f"{PREFIX}-x{i:04d}",
            "claim_id": nul(claim_id),
            "kind": kind,
            "text": clean(b["text"]),
            "context": ctx if ctx else None,
            "platform": platform,
            "label": label,
            "category": category,
            "register": nul(register),
            "split": SPLIT,
        })
    return pairs


def main():
    OUT.mkdir(exist_ok=True)
    claims = parse_claims()
    pairs = parse_pairs()
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / "pairs-13.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(claims)} claims, {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main()
