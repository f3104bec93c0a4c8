"""Parse the hand-written blocks in claims.txt and pairs-*.txt into build/claims.jsonl and
build/pairs-10.jsonl (split test6). It only parses; it writes no text of its own.

claims.txt block:  @NNN | rating | date | source | url   then the claim text.
pairs-*.txt block: @NNNN | claim NNN or - | kind | platform | label | category | register or -
                   then the act's text; a line "--" starts the context (absent = null).
Lines starting with "#" outside blocks are comments.
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX, SPLIT = "ht10", "test6"


def blocks(path):
    head, body = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("@"):
            if head is not None:
                yield head, body
            head, body = line[1:], []
        elif head is not None:
            body.append(line)
    if head is not None:
        yield head, body


def clean(lines):
    return "\n".join(lines).strip()


def main():
    out = HERE / "build"
    out.mkdir(exist_ok=True)
    claims = []
    for head, body in blocks(HERE / "claims.txt"):
        num, rating, date, source, url = [f.strip() for f in head.split("|")]
        claims.append({"id": f"{PREFIX}-{num}", "claim": " ".join(clean(body).split()),
                       "rating": rating, "url": url, "date": date, "source": source})
    pairs = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for head, body in blocks(path):
            num, claim, kind, platform, label, category, register = [f.strip() for f in head.split("|")]
            if "--" in body:
                i = body.index("--")
                text, context = clean(body[:i]), clean(body[i + 1:]) or None
            else:
                text, context = clean(body), None
            pairs.append({"id": f"{PREFIX}-x{num}",
                          "claim_id": None if claim == "-" else f"{PREFIX}-{claim}",
                          "kind": kind, "text": text, "context": context, "platform": platform,
                          "label": label, "category": category,
                          "register": None if register == "-" else register, "split": SPLIT})
    with open(out / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(out / "pairs-10.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(claims)} claims, {len(pairs)} pairs written to {out}")


if __name__ == "__main__":
    main()
