"""Parse the hand-written claims.txt and pairs-*.txt into build/claims.jsonl and build/pairs-11.jsonl.

Only parses; it writes no text of its own. Pair ids are given in file order (pairs-a.txt, pairs-b.txt, ...).
Block format:
  claims.txt:  '@@ <id> | <rating> | <date> | <source> | <url>' then the claim text.
  pairs-*.txt: '@@ <claim_id|null> | <kind> | <platform> | <label> | <category> | <register|->'
               then the act's text, then optionally a line '--' and the context.
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX, SPLIT = "ht11", "test7"


def blocks(path):
    head, body = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("@@ "):
            if head is not None:
                yield head, body
            head, body = line[3:], []
        elif head is not None:
            body.append(line)
        elif line.strip():
            sys.exit(f"{path.name}: text before the first block: {line!r}")
    if head is not None:
        yield head, body


def clean(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def main():
    out = HERE / "build"
    out.mkdir(exist_ok=True)
    claims = []
    for head, body in blocks(HERE / "claims.txt"):
        cid, rating, date, source, url = [f.strip() for f in head.split("|")]
        claims.append({"id": cid, "claim": clean(body), "rating": rating, "url": url,
                       "date": date, "source": source})
    pairs = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for head, body in blocks(path):
            fields = [f.strip() for f in head.split("|")]
            if len(fields) != 6:
                sys.exit(f"{path.name}: bad header {head!r}")
            cid, kind, platform, label, category, register = fields
            if "--" in body:
                i = body.index("--")
                text, context = clean(body[:i]), clean(body[i + 1:])
            else:
                text, context = clean(body), None
            pairs.append({
                "id": f"{PREFIX}-x{len(pairs) + 1:04d}",
                "claim_id": None if cid == "null" else cid,
                "kind": kind, "text": text, "context": context or None,
                "platform": platform, "label": label, "category": category,
                "register": None if register == "-" else register, "split": SPLIT,
            })
    with open(out / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(out / f"pairs-11.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(claims)} claims, {len(pairs)} pairs written to {out}")


if __name__ == "__main__":
    main()
