#!/usr/bin/env python3
"""Turn the hand-written compact sources (claims.txt, pairs-*.txt) into claims.jsonl and pairs.jsonl.
Only ids, URLs, field names and the split are added here; every text is written by hand in the sources."""
import json, glob, os, sys
from collections import Counter

PREFIX, SPLIT = "ht2", "test2"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "build")  # the writer's JSONL; ../ holds them merged with set 1
os.makedirs(OUT, exist_ok=True)
SOURCES = {
    "T": ("Tanya Fakta Timur", "https://tanyafaktatimur.id/cek/{y}/{m}/{slug}"),
    "S": ("Suluh Fakta Borneo", "https://suluhfakta.id/periksa/{slug}"),
    "N": ("Nalar Cek", "https://nalarcek.org/fakta/{y}/{m}/{d}/{slug}"),
    "C": ("Cek Dulu Sumatera", "https://cekdulusumatera.com/artikel/{slug}"),
}
PLAT = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube", "bs": "bluesky", "md": "mastodon"}
LAB = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
CAT = {"pl": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial", "q": "question",
       "sa": "sarcastic_repetition", "db": "debunk_share", "st": "same_topic_unrelated", "tc": "true_claim"}

def main():
    claims = []
    for line in open(os.path.join(HERE, "claims.txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        num, rating, date, src, slug, text = line.split("|", 5)
        name, pat = SOURCES[src]
        y, m, d = date.split("-")
        claims.append({"id": f"{PREFIX}-{num}", "claim": text, "rating": rating,
                       "url": pat.format(y=y, m=m, d=d, slug=slug), "date": date, "source": name})
    pairs = []
    for fn in sorted(glob.glob(os.path.join(HERE, "pairs-*.txt"))):
        for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("|")
            if len(parts) != 8:
                sys.exit(f"{fn}:{ln}: {len(parts)} fields")
            c, kind, plat, lab, cat, reg, text, ctx = parts
            pairs.append({
                "id": None,
                "claim_id": None if c == "00" else f"{PREFIX}-0{c}",
                "kind": kind,
                "text": text.replace("\\n", "\n"),
                "context": None if ctx == "-" else ctx,
                "platform": PLAT[plat],
                "label": LAB[lab],
                "category": CAT[cat],
                "register": None if reg == "-" else reg,
                "split": SPLIT,
            })
    pairs.sort(key=lambda p: p["claim_id"] or "zzz")  # stable: keeps source order within a claim
    for i, p in enumerate(pairs, 1):
        p["id"] = f"{PREFIX}-x{i:04d}"
    with open(os.path.join(OUT, "claims.jsonl"), "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "pairs.jsonl"), "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(len(claims), "claims,", len(pairs), "pairs")
    cc = Counter((p["category"], p["label"]) for p in pairs)
    for k, v in sorted(cc.items()):
        print(f"  {k[0]:22s} {k[1]:10s} {v}")
    print(" kinds", Counter(p["kind"] for p in pairs))
    print(" plat", Counter(p["platform"] for p in pairs))
    print(" reg", Counter(p["register"] for p in pairs))
    print(" per claim", sorted(Counter(p["claim_id"] for p in pairs).items(), key=lambda x: str(x[0])))

if __name__ == "__main__":
    main()
