"""Build claims.jsonl and pairs-ht5.jsonl from the hand-written sources in this folder.

Usage: python3 src/build.py [SPLIT]        (default split: test4)

The sources hold every claim and every act as written; this script only adds
ids (ht5-NNN, ht5-xNNNN), the fact-checkers' URLs (from the hand-written slug)
and the split. It generates no text.
"""
import json
import re
import sys
from pathlib import Path

PREFIX = "ht5"
SRC = Path(__file__).resolve().parent
OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with the other writer's
OUT.mkdir(exist_ok=True)

# URL pattern of each invented fact-checker
SOURCES = {
    "Saring Dulu": lambda date, slug: f"https://saringdulu.or.id/{date[:4]}/{date[5:7]}/{slug}",
    "Kabar Lurus": lambda date, slug: f"https://kabarlurus.co.id/periksa/{date.replace('-', '')}-{slug}",
    "Lentera Fakta": lambda date, slug: f"https://lenterafakta.com/cek/{slug}",
    "CekFakta Nusantara": lambda date, slug: f"https://cekfaktanusantara.id/cek-fakta/{slug}",
    "Periksa Dulu": lambda date, slug: f"https://periksadulu.org/artikel/{slug}",
}


def read_claims():
    claims, cur = [], None
    for line in (SRC / "claims.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("@ "):
            num, rating, date, source, slug = [x.strip() for x in line[2:].split("|")]
            cur = {"num": num, "rating": rating, "date": date, "source": source, "slug": slug, "text": None}
            claims.append(cur)
        else:
            assert cur is not None and cur["text"] is None, f"unexpected claim line: {line!r}"
            cur["text"] = line.strip()
    out = []
    for c in claims:
        out.append({
            "id": f"{PREFIX}-{c['num']}",
            "claim": c["text"],
            "rating": c["rating"],
            "url": SOURCES[c["source"]](c["date"], c["slug"]),
            "date": c["date"],
            "source": c["source"],
        })
    return out


def read_pairs(path):
    acts, cur = [], None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        if raw.startswith("@ "):
            claim, kind, platform, label, category, register = raw[2:].split()
            cur = {"claim": claim, "kind": kind, "platform": platform, "label": label,
                   "category": category, "register": register, "text": [], "context": []}
            acts.append(cur)
        elif raw == ">" or raw.startswith("> "):
            cur["text"].append(raw[2:])
        elif raw == "<" or raw.startswith("< "):
            cur["context"].append(raw[2:])
        else:
            raise ValueError(f"{path.name}: unexpected line {raw!r}")
    return acts


def main():
    split = sys.argv[1] if len(sys.argv) > 1 else "test4"
    claims = read_claims()
    urls = {c["url"].removeprefix("https://") for c in claims}
    acts = [a for p in sorted(SRC.glob("pairs-*.txt")) for a in read_pairs(p)]
    pairs = []
    for n, a in enumerate(acts, 1):
        text = "\n".join(a["text"])
        context = "\n".join(a["context"]) if a["context"] else None
        # sanity check: a fact-check URL quoted in an act must be the claim's own URL
        for u in re.findall(r"(?:saringdulu|kabarlurus|lenterafakta|cekfaktanusantara|periksadulu)\.[a-z.]+/\S+",
                            f"{text} {context or ''}"):
            u = u.rstrip(").,")
            if u not in urls:
                print(f"warning: act {n} quotes unknown URL {u}")
        pairs.append({
            "id": f"{PREFIX}-x{n:04d}",
            "claim_id": None if a["claim"] == "-" else f"{PREFIX}-{a['claim']}",
            "kind": a["kind"],
            "text": text,
            "context": context,
            "platform": a["platform"],
            "label": a["label"],
            "category": a["category"],
            "register": None if a["register"] == "-" else a["register"],
            "split": split,
        })
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(OUT / f"pairs-{PREFIX}.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(claims)} claims, {len(pairs)} pairs written to {OUT}")


if __name__ == "__main__":
    main()
