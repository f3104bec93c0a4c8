"""Build claims.jsonl and pairs-ht6.jsonl from the hand-written sources in src/.

Only ids, the split and the JSON layout come from this script; every claim and every act
is written by hand in src/claims.txt and src/pairs-*.txt.

claims.txt block:
    == NNN | rating | YYYY-MM-DD | source | url
    claim text (one or more lines)
pairs-*.txt block:
    == NNN kind platform label category register [@variety]
    own text (may be several lines; empty for likes and many shares)
    ~~ctx
    context text (omitted for posts and photos)
NNN 000 means claim_id null; register '-' means null (likes).
@variety (ambon, kupang, papua, ternate) is a writer's note only, not written to JSON.
"""
import json
import sys
from pathlib import Path

PREFIX, SPLIT = "ht6", "test4"
SRC = Path(__file__).resolve().parent
OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with the other writer's
OUT.mkdir(exist_ok=True)


def blocks(path):
    cur = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and cur is None:
            continue
        if line.startswith("== "):
            if cur:
                yield cur
            cur = [line[3:].strip(), []]
        elif cur is not None:
            cur[1].append(line)
    if cur:
        yield cur


def clean(lines):
    text = "\n".join(lines).strip("\n")
    return "\n".join(l.rstrip() for l in text.split("\n")).strip()


def main():
    claims = []
    for head, body in blocks(SRC / "claims.txt"):
        num, rating, date, source, url = [x.strip() for x in head.split("|")]
        claims.append({"id": f"{PREFIX}-{num}", "claim": " ".join(l.strip() for l in body if l.strip()),
                       "rating": rating, "url": url, "date": date, "source": source})
    pairs, notes = [], []
    n = 0
    for path in sorted(SRC.glob("pairs-*.txt")):
        for head, body in blocks(path):
            parts = head.split()
            num, kind, platform, label, category, register = parts[:6]
            variety = parts[6][1:] if len(parts) > 6 else None
            if "~~ctx" in body:
                i = body.index("~~ctx")
                text, ctx = clean(body[:i]), clean(body[i + 1:])
            else:
                text, ctx = clean(body), None
            n += 1
            pid = f"{PREFIX}-x{n:04d}"
            pairs.append({"id": pid, "claim_id": None if num == "000" else f"{PREFIX}-{num}",
                          "kind": kind, "text": text, "context": ctx or None, "platform": platform,
                          "label": label, "category": category,
                          "register": None if register == "-" else register, "split": SPLIT})
            if variety:
                notes.append(f"{pid}\t{variety}\t{register}")
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / f"pairs-{PREFIX}.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    (SRC / "varieties.tsv").write_text("id\tvariety\tregister tag\n" + "\n".join(notes) + "\n", encoding="utf-8")
    print(f"{len(claims)} claims, {len(pairs)} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
