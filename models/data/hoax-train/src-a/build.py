#!/usr/bin/env python3
"""Turn src/claims.txt and src/pairs*.txt (hand-written lines) into claims.jsonl / pairs.jsonl."""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "build")  # the writer's JSONL (claims.jsonl, pairs.jsonl); ../ holds them merged with set B
os.makedirs(OUT, exist_ok=True)
PREFIX, SPLIT = "hta", "train"
KIND = {"co": "comment", "po": "post", "sh": "share", "li": "like", "ph": "photo"}
PLAT = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube", "bs": "bluesky", "md": "mastodon"}
LAB = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
CAT = {"pl": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial", "q": "question",
       "sa": "sarcastic_repetition", "db": "debunk_share", "st": "same_topic_unrelated", "tc": "true_claim"}

claims = []
for line in open(os.path.join(HERE, "claims.txt"), encoding="utf-8"):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    num, rating, date, source, url, text = [p.strip() for p in line.split("|", 5)]
    claims.append({"id": f"{PREFIX}-{int(num):03d}", "claim": text, "rating": rating,
                   "url": url, "date": date, "source": source})
ids = {c["id"] for c in claims}

pairs, cur, n = [], None, 0
for fn in sorted(glob.glob(os.path.join(HERE, "pairs*.txt"))):
    for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            tag = line[1:].strip()
            cur = None if tag == "null" else f"{PREFIX}-{int(tag):03d}"
            assert cur is None or cur in ids, (fn, ln, tag)
            continue
        parts = line.split("|", 6)
        assert len(parts) == 7, (fn, ln, line)
        k, p, lab, cat, reg, text, ctx = [x.strip() for x in parts]
        n += 1
        text = text.replace("\\n", "\n")
        ctx = None if ctx == "-" else ctx.replace("\\n", "\n")
        pairs.append({"id": f"{PREFIX}-x{n:04d}", "claim_id": cur, "kind": KIND[k], "text": text,
                      "context": ctx, "platform": PLAT[p], "label": LAB[lab], "category": CAT[cat],
                      "register": None if reg == "-" else reg, "split": SPLIT})

with open(os.path.join(OUT, "claims.jsonl"), "w", encoding="utf-8") as f:
    for c in claims:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
with open(os.path.join(OUT, "pairs.jsonl"), "w", encoding="utf-8") as f:
    for p in pairs:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
print(len(claims), "claims,", len(pairs), "pairs")
