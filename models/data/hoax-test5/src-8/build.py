"""Build claims.jsonl and pairs-ht8.jsonl from the hand-written sources in this folder.

Code adds only ids, the split and the JSON framing; every claim, URL and act is written by hand
in claims.txt and pairs-*.txt.

pairs-*.txt format: a block starts with
    @ <claim number|null> <category> <label> <kind> <platform> <register|->
followed by lines "T <text line>" (the act's own words; "T" alone = empty line) and
"C <context line>" (the post acted on; "C" alone = empty line). No T lines = empty text;
no C lines = context null. Lines starting with # and blank lines are ignored.
"""
import json
import sys
from pathlib import Path

PREFIX, SPLIT = "ht8", "test5"
SRC = Path(__file__).resolve().parent
OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with the other writer's
OUT.mkdir(exist_ok=True)


def read_claims():
    claims, lines = [], [l for l in (SRC / "claims.txt").read_text(encoding="utf-8").splitlines()
                         if l.strip() and not l.startswith("#")]
    for head, text in zip(lines[0::2], lines[1::2]):
        num, rating, date, source, url = [x.strip() for x in head.split("|")]
        claims.append({"id": f"{PREFIX}-{num}", "claim": text.strip(), "rating": rating,
                       "url": url, "date": date, "source": source})
    return claims


def read_pairs():
    pairs = []
    for path in sorted(SRC.glob("pairs-*.txt")):
        cur = None
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("@ "):
                parts = line[2:].split()
                if len(parts) != 6:
                    sys.exit(f"{path.name}:{n}: header needs 6 fields: {line}")
                cur = {"claim": parts[0], "category": parts[1], "label": parts[2], "kind": parts[3],
                       "platform": parts[4], "register": parts[5], "T": [], "C": [], "where": f"{path.name}:{n}"}
                pairs.append(cur)
            elif line == "T" or line.startswith("T "):
                cur["T"].append(line[2:])
            elif line == "C" or line.startswith("C "):
                cur["C"].append(line[2:])
            elif not line.strip() or line.startswith("#"):
                continue
            else:
                sys.exit(f"{path.name}:{n}: stray line: {line}")
    return pairs


def main():
    claims = read_claims()
    (OUT / "claims.jsonl").write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims), encoding="utf-8")
    raw = read_pairs()
    order = {c["id"]: i for i, c in enumerate(claims)}
    def key(p):
        cid = None if p["claim"] == "null" else f"{PREFIX}-{p['claim']}"
        return order.get(cid, len(order)) if cid else len(order) + 1
    raw.sort(key=key)  # stable: file order kept within a claim
    out = []
    for i, p in enumerate(raw, 1):
        out.append({
            "id": f"{PREFIX}-x{i:04d}",
            "claim_id": None if p["claim"] == "null" else f"{PREFIX}-{p['claim']}",
            "kind": p["kind"],
            "text": "\n".join(p["T"]).strip("\n"),
            "context": "\n".join(p["C"]).strip("\n") or None,
            "platform": p["platform"],
            "label": p["label"],
            "category": p["category"],
            "register": None if p["register"] == "-" else p["register"],
            "split": SPLIT,
        })
    (OUT / f"pairs-{PREFIX}.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in out), encoding="utf-8")
    print(f"{len(claims)} claims, {len(out)} pairs")


if __name__ == "__main__":
    main()
