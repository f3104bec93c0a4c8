#!/usr/bin/env python3
"""Parse hand-written claims.txt and pairs-*.txt into build/*.jsonl. Makes no text."""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "ht15"
SPLIT = "test9"
OUT = HERE / "build"


def nul(v):
    v = v.strip()
    return None if v == "null" else v


def strip_block(lines):
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(l.rstrip() for l in lines)


def parse_claims():
    out, cur = [], None
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# id"):
            continue
        if line.startswith("%%"):
            continue
        if line.startswith("# "):
            cid, rating, date, source, url = [x.strip() for x in line[2:].split("|")]
            cur = {"id": cid, "claim": [], "rating": rating, "url": url, "date": date, "source": source}
            out.append(cur)
        elif cur is not None and line.strip():
            cur["claim"].append(line.strip())
    for c in out:
        c["claim"] = " ".join(c["claim"])
    return out


def parse_pairs():
    pairs = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        cur = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("%%"):
                continue
            if line.startswith("@ "):
                if cur:
                    pairs.append(cur)
                f = [x.strip() for x in line[2:].split("|")]
                if len(f) != 6:
                    raise SystemExit(f"{path.name}: bad header {line!r}")
                cur = {"hdr": f, "text": [], "ctx": None}
            elif cur is None:
                if line.strip():
                    raise SystemExit(f"{path.name}: text before header: {line!r}")
            elif line.strip() == "--" and cur["ctx"] is None:
                cur["ctx"] = []
            elif cur["ctx"] is not None:
                cur["ctx"].append(line)
            else:
                cur["text"].append(line)
        if cur:
            pairs.append(cur)
    out = []
    for n, p in enumerate(pairs, 1):
        claim_id, kind, platform, label, category, register = p["hdr"]
        ctx = strip_block(p["ctx"]) if p["ctx"] is not None else None
        out.append({
            "id": f"{PREFIX}-x{n:04d}",
            "claim_id": nul(claim_id),
            "kind": kind,
            "text": strip_block(p["text"]),
            "context": ctx if ctx else None,
            "platform": platform,
            "label": label,
            "category": category,
            "register": nul(register),
            "split": SPLIT,
        })
    return out


def main():
    OUT.mkdir(exist_ok=True)
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in parse_claims():
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / "pairs-15.jsonl", "w", encoding="utf-8") as f:
        for p in parse_pairs():
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
