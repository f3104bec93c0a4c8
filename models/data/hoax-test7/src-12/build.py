#!/usr/bin/env python3
"""Parse writer 12's hand-written files into build/claims.jsonl and build/pairs-12.jsonl.

Only parses claims.txt and pairs-*.txt in this folder; it writes no text of its own.
Claim ids: ht12-NNN (from the number in each claim header).
Pair ids: ht12-xNNNN, numbered in file order (pairs-a.txt, pairs-b.txt, ...).
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "ht12"
SPLIT = "test7"


def blocks(path):
    """Yield (header, body_lines) for every '@@ ' block of a file."""
    header, body = None, []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        line = raw.rstrip("\r")
        if line.startswith("@@ "):
            if header is not None:
                yield header, body
            header, body = line[3:], []
        elif header is None:
            if line.strip() and not line.startswith("#"):
                sys.exit(f"{path.name}: text outside a block: {line!r}")
        else:
            body.append(line)
    if header is not None:
        yield header, body


def strip_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def parse_claims():
    out = []
    for header, body in blocks(HERE / "claims.txt"):
        num, rating, date, source, url = [x.strip() for x in header.split("|")]
        text = " ".join(l.strip() for l in strip_blank(body))
        out.append({"id": f"{PREFIX}-{int(num):03d}", "claim": text, "rating": rating,
                    "url": url, "date": date, "source": source})
    return out


def parse_pairs(claim_ids):
    out = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for header, body in blocks(path):
            parts = [x.strip() for x in header.split("|")]
            if len(parts) != 6:
                sys.exit(f"{path.name}: bad header {header!r}")
            claim, kind, platform, label, category, register = parts
            if "--" in body:
                i = body.index("--")
                text_lines, ctx_lines = body[:i], body[i + 1:]
                context = "\n".join(strip_blank(ctx_lines))
            else:
                text_lines, context = body, None
            text = "\n".join(strip_blank(text_lines))
            claim_id = None if claim == "-" else f"{PREFIX}-{int(claim):03d}"
            if claim_id is not None and claim_id not in claim_ids:
                sys.exit(f"{path.name}: unknown claim {claim!r} in {header!r}")
            out.append({
                "id": f"{PREFIX}-x{len(out) + 1:04d}",
                "claim_id": claim_id,
                "kind": kind,
                "text": text,
                "context": context if context else None,
                "platform": platform,
                "label": label,
                "category": category,
                "register": None if register == "-" else register,
                "split": SPLIT,
            })
    return out


def main():
    claims = parse_claims()
    pairs = parse_pairs({c["id"] for c in claims})
    build = HERE / "build"
    build.mkdir(exist_ok=True)
    with open(build / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(build / "pairs-12.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(claims)} claims, {len(pairs)} pairs to {build}")


if __name__ == "__main__":
    main()
