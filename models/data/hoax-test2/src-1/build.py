"""Turn the hand-written sources into claims.jsonl and pairs.jsonl (deterministic).
Usage: python3 src/build.py   (from the folder above src/)"""
import json, sys, collections
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from claims import CLAIMS, SOURCES
from common import ROWS
import pairs_a, pairs_b  # noqa: F401  (fill ROWS)

PREFIX, SPLIT = "ht1", "test2"
CAT = {"pl": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial",
       "q": "question", "sa": "sarcastic_repetition", "db": "debunk_share",
       "st": "same_topic_unrelated", "tc": "true_claim"}
LAB = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
PLAT = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube",
        "bs": "bluesky", "md": "mastodon"}
out = HERE / "build"  # the writer's JSONL; ../ holds them merged with set 2
out.mkdir(exist_ok=True)
with open(out / "claims.jsonl", "w", encoding="utf-8") as f:
    for n, rating, date, src, slug, text in CLAIMS:
        name, base = SOURCES[src]
        f.write(json.dumps({"id": f"{PREFIX}-{n:03d}", "claim": text, "rating": rating,
                            "url": base + slug, "date": date, "source": name},
                           ensure_ascii=False) + "\n")
# order: by claim, null-claim acts last
rows = sorted(ROWS, key=lambda r: (r[0] is None, r[0] or 0))
with open(out / "pairs.jsonl", "w", encoding="utf-8") as f:
    for i, (c, cat, kind, plat, lab, reg, text, ctx) in enumerate(rows, 1):
        f.write(json.dumps({"id": f"{PREFIX}-x{i:04d}",
                            "claim_id": None if c is None else f"{PREFIX}-{c:03d}",
                            "kind": kind, "text": text, "context": ctx,
                            "platform": PLAT[plat], "label": LAB[lab], "category": CAT[cat],
                            "register": reg, "split": SPLIT}, ensure_ascii=False) + "\n")
# quick tallies for the writer
C = collections.Counter
print(len(rows), "pairs")
print("cat", C(CAT[r[1]] for r in rows))
print("kind", C(r[2] for r in rows))
print("plat", C(r[3] for r in rows))
print("reg", C(r[5] for r in rows))
REG = {"jawa","sunda","minang","betawi","bugis","makassar","banjar","manado","batak","palembang","mixed_en"}
print("regional", sum(r[5] in REG for r in rows))
print("per claim", sorted(C(r[0] for r in rows if r[0]).items()))
print("q/sa labels", C((r[1], r[4]) for r in rows if r[1] in ("q","sa")))
