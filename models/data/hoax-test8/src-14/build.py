"""Parse writer 14's hand-written files into build/claims.jsonl and build/pairs-14.jsonl.

It only parses: every text comes from claims.txt and pairs-*.txt. Ids are numbered in file order.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "build"
SPLIT = "test8"
PREFIX = "ht14"


def parse_claims():
    claims, cur = [], None
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# ht14-"):
            cid, rating, date, source, url = [x.strip() for x in line[2:].split("|")]
            cur = {"id": cid, "claim": "", "rating": rating, "url": url, "date": date, "source": source}
            claims.append(cur)
        elif line.startswith("#") or not line.strip():
            continue
        else:
            cur["claim"] = (cur["claim"] + " " + line.strip()).strip()
    return claims


def parse_pairs():
    blocks = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        cur = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("%%"):
                continue
            if line.startswith("@ "):
                head = [x.strip() for x in line[2:].split("|")]
                if len(head) != 6:
                    raise SystemExit(f"{path.name}: bad header {line!r}")
                cur = {"head": head, "text": [], "context": None, "src": path.name}
                blocks.append(cur)
            elif cur is None:
                continue
            elif line == "--" and cur["context"] is None:
                cur["context"] = []
            elif cur["context"] is not None:
                cur["context"].append(line)
            else:
                cur["text"].append(line)
    pairs = []
    for n, b in enumerate(blocks, 1):
        cid, kind, platform, label, category, register = b["head"]
        text = "\n".join(b["text"]).strip()
        context = None if b["context"] is None else "\n".join(b["context"]).strip()
        pairs.append({
            "id": f"{PREFIX}-x{n:04d}",
            "claim_id": None if cid == "null" else cid,
            "kind": kind,
            "text": text,
            "context": context or None,
            "platform": platform,
            "label": label,
            "category": category,
            "register": None if register == "-" else register,
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
    with open(OUT / "pairs-14.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(claims)} claims, {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main()
