"""Build claims.jsonl and pairs.jsonl from the hand-written sources in this folder.
Usage: python3 src/build.py   (from the hoax-t4 folder or anywhere)"""
import json
from pathlib import Path

SRC = Path(__file__).resolve().parent
OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with set 3
OUT.mkdir(exist_ok=True)
PREFIX, SPLIT = "ht4", "test3"
FC = {
    "tf": ("Timbang Fakta", "https://timbangfakta.id/{y}/{m}/{slug}"),
    "tb": ("Tapis Borneo", "https://tapisborneo.id/cek/{slug}"),
    "sc": ("Suluh Cek", "https://suluhcek.or.id/{y}/{m}/{slug}"),
    "lp": ("Lentera Periksa", "https://lenteraperiksa.com/cek/{slug}"),
    "ca": ("Cek Ricek Andalas", "https://cekricekandalas.org/{y}/{m}/{slug}"),
}
KIND = {"p": "post", "c": "comment", "s": "share", "l": "like", "ph": "photo"}
PLAT = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube", "bs": "bluesky", "md": "mastodon"}
LAB = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
CAT = {"pl": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial", "q": "question",
       "sa": "sarcastic_repetition", "db": "debunk_share", "st": "same_topic_unrelated", "tc": "true_claim"}

claims = []
for line in (SRC / "claims.txt").read_text(encoding="utf-8").splitlines():
    if not line.strip():
        continue
    n, rating, date, fc, slug, text = line.split("|", 5)
    name, url = FC[fc]
    claims.append({"id": f"{PREFIX}-{n}", "claim": text, "rating": rating,
                   "url": url.format(y=date[:4], m=date[5:7], slug=slug), "date": date, "source": name})

pairs = []
for f in sorted(SRC.glob("pairs-*.txt")):
    for line in f.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        n, kind, plat, lab, cat, reg, text, ctx = line.split("|")
        kind = KIND[kind]
        pairs.append({"id": "", "claim_id": None if n == "000" else f"{PREFIX}-{n}", "kind": kind,
                      "text": text.replace("\\n", "\n"), "context": None if ctx == "-" else ctx,
                      "platform": PLAT[plat], "label": LAB[lab], "category": CAT[cat],
                      "register": None if reg == "-" else reg, "split": SPLIT})
for i, p in enumerate(pairs, 1):
    p["id"] = f"{PREFIX}-x{i:04d}"

with open(OUT / "claims.jsonl", "w", encoding="utf-8") as fh:
    for c in claims:
        fh.write(json.dumps(c, ensure_ascii=False) + "\n")
with open(OUT / "pairs.jsonl", "w", encoding="utf-8") as fh:
    for p in pairs:
        fh.write(json.dumps(p, ensure_ascii=False) + "\n")
print(len(claims), "claims,", len(pairs), "pairs")
