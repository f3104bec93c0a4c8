"""Build writer e's JSONL files from the hand-written text files.

Reads only claims.txt and pairs-*.txt in this folder; writes build/claims.jsonl and
build/pairs-e.jsonl. It makes no text: every claim and act is copied as written.

claims.txt: blocks that start with "# ID | rating | date | source | url"; the lines up
to the next header are the claim text. Lines starting with "#" that are not headers
are comments.

pairs-*.txt: blocks that start with "@ CLAIM | kind | platform | label | category | register"
(CLAIM "null" = no claim; register "-" = null, for likes). The lines after the header
are the act's text; a line "--" separates the text from the context (the post acted on).
No "--" means context null. Lines starting with "# " are comments (hashtag lines such as
"#Pilkada2030" have no space after "#" and stay text).
Pair ids are given in file order: hte-x0001, hte-x0002, ...
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "build"
PREFIX = "hte"
SPLIT = "train"

CLAIM_HEAD = re.compile(r"^# (hte-\d{3}) \| ([^|]+?) \| (\d{4}-\d\d-\d\d) \| ([^|]+?) \| (\S+)\s*$")
PAIR_HEAD = re.compile(r"^@ (hte-\d{3}|null) \| (\w+) \| (\w+) \| (\w+) \| (\w+) \| ([\w-]+)\s*$")


def strip_block(lines):
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


def read_claims():
    claims, cur = [], None
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        m = CLAIM_HEAD.match(line)
        if m:
            cur = {"head": m.groups(), "lines": []}
            claims.append(cur)
        elif line.startswith("#"):
            continue
        elif cur is not None:
            cur["lines"].append(line)
    out = []
    for c in claims:
        cid, rating, date, source, url = c["head"]
        text = " ".join(strip_block(c["lines"]).split("\n"))
        out.append({"id": cid, "claim": text, "rating": rating, "url": url, "date": date, "source": source})
    return out


def read_pairs():
    blocks = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        cur = None
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("@"):
                m = PAIR_HEAD.match(line)
                if not m:
                    raise SystemExit(f"{path.name}:{n}: bad header {line!r}")
                cur = {"head": m.groups(), "lines": [], "where": f"{path.name}:{n}"}
                blocks.append(cur)
            elif line.startswith("# ") or line == "#":
                continue  # a comment line ("# ..."); hashtag lines ("#Tag") are text
            elif cur is not None:
                cur["lines"].append(line)
            elif line.strip():
                raise SystemExit(f"{path.name}:{n}: text outside a block")
    out = []
    for i, b in enumerate(blocks, 1):
        claim, kind, platform, label, category, register = b["head"]
        lines = b["lines"]
        if "--" in lines:
            k = lines.index("--")
            text, context = strip_block(lines[:k]), strip_block(lines[k + 1:])
        else:
            text, context = strip_block(lines), None
        out.append({
            "id": f"{PREFIX}-x{i:04d}",
            "claim_id": None if claim == "null" else claim,
            "kind": kind,
            "text": text,
            "context": context,
            "platform": platform,
            "label": label,
            "category": category,
            "register": None if register == "-" else register,
            "split": SPLIT,
        })
    return out


def main():
    OUT.mkdir(exist_ok=True)
    claims = read_claims()
    pairs = read_pairs()
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / "pairs-e.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(claims)} claims, {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main()
