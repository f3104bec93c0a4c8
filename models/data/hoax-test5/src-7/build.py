"""Build claims.jsonl and pairs-ht7.jsonl from the hand-written sources in src/.

Only ids, the split and the JSON layout are added here; every claim and act text is
written by hand in src/claims.txt and src/pairs-*.txt.

Source format (both files): a block starts with a header line beginning "== ".
  claims.txt:  == NNN | rating | YYYY-MM-DD | source | url      then the claim text.
  pairs-*.txt: == NNN|null kind platform label category register|-
               then the act text, then a line "~~" and the context (absent = null).
"""
import json
from pathlib import Path

PREFIX, SPLIT = "ht7", "test5"
HERE = Path(__file__).resolve().parent
OUT = HERE / "build"  # the writer's JSONL; ../ holds them merged with the other writer's
OUT.mkdir(exist_ok=True)


def blocks(path):
    head, body = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            if head is not None:
                yield head, body
            head, body = line[3:].strip(), []
        elif head is not None:
            body.append(line)
    if head is not None:
        yield head, body


def claims():
    out = []
    for head, body in blocks(HERE / "claims.txt"):
        num, rating, date, source, url = [x.strip() for x in head.split("|")]
        out.append({"id": f"{PREFIX}-{num}", "claim": "\n".join(body).strip(), "rating": rating,
                    "url": url, "date": date, "source": source})
    return out


def pairs():
    out = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for head, body in blocks(path):
            claim, kind, platform, label, category, register = head.split()
            if "~~" in body:
                i = body.index("~~")
                text, ctx = "\n".join(body[:i]).strip("\n"), "\n".join(body[i + 1:]).strip("\n")
            else:
                text, ctx = "\n".join(body).strip("\n"), None
            out.append({"id": None, "claim_id": None if claim == "null" else f"{PREFIX}-{claim}",
                        "kind": kind, "text": text, "context": ctx or None, "platform": platform,
                        "label": label, "category": category,
                        "register": None if register == "-" else register, "split": SPLIT})
    for n, p in enumerate(out, 1):
        p["id"] = f"{PREFIX}-x{n:04d}"
    return out


def write(name, rows):
    with open(OUT / name, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write("claims.jsonl", claims())
    write(f"pairs-{PREFIX}.jsonl", pairs())
