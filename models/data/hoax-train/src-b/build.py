import json
import sys
from pathlib import Path

SRC = Path(__file__).parent; OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with set A
OUT.mkdir(exist_ok=True)
FC = {"TF": ("Tilik Fakta", "https://tilikfakta.id/cek/"),
      "LK": ("Lurus Kabar", "https://luruskabar.org/periksa/"),
      "AH": ("Awas Hoaks Nusantara", "https://awashoaks-nusantara.net/artikel/")}
claims = []
for line in (SRC / "claims.txt").read_text(encoding="utf-8").splitlines():
    if not line.strip(): continue
    n, rating, date, fc, slug, text = line.split("|", 5)
    name, base = FC[fc]
    claims.append({"id": f"htb-{n}", "claim": text, "rating": rating,
                   "url": base + date[:4] + "/" + slug, "date": date, "source": name})
K = {"c": "comment", "p": "post", "s": "share", "l": "like", "ph": "photo"}
P = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube", "bs": "bluesky", "md": "mastodon"}
L = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
C = {"pl": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial", "q": "question",
     "sa": "sarcastic_repetition", "db": "debunk_share", "su": "same_topic_unrelated", "tc": "true_claim"}
pairs = []; cid = None
files = sorted(SRC.glob("pairs*.txt"))
for f in files:
    for ln, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("//"): continue
        if line.startswith("## "):
            v = line[3:].strip(); cid = None if v == "null" else f"htb-{v}"; continue
        parts = line.split("|", 6)
        if len(parts) != 7: sys.exit(f"{f.name}:{ln}: bad line")
        k, p, l, c, reg, text, ctx = [x.strip() for x in parts]
        text = text.replace("\\n", "\n"); ctx = ctx.replace("\\n", "\n")
        if k == "l": text = ""; reg = "-"
        pairs.append({"id": f"htb-x{len(pairs)+1:04d}", "claim_id": cid, "kind": K[k], "text": text,
                      "context": None if ctx == "-" else ctx, "platform": P[p], "label": L[l],
                      "category": C[c], "register": None if reg == "-" else reg, "split": "train"})
with open(OUT / "claims.jsonl", "w", encoding="utf-8") as fh:
    for c in claims: fh.write(json.dumps(c, ensure_ascii=False) + "\n")
with open(OUT / "pairs.jsonl", "w", encoding="utf-8") as fh:
    for p in pairs: fh.write(json.dumps(p, ensure_ascii=False) + "\n")
print(len(claims), "claims", len(pairs), "pairs")
