#!/usr/bin/env python3
"""Turn src/claims.txt and src/pairs-*.txt (hand-written lines) into claims.jsonl and pairs.jsonl."""
import json, pathlib, sys
HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "build"  # the writer's JSONL; ../ holds them merged with sets A, B and C
OUT.mkdir(exist_ok=True)
PREFIX, SPLIT = "htd", "train"
CAT = {"ps": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial",
       "q": "question", "sr": "sarcastic_repetition", "db": "debunk_share",
       "st": "same_topic_unrelated", "tc": "true_claim"}
LAB = {"s": "spreads", "d": "debunks", "a": "asks", "u": "unrelated"}
KIND = {"po": "post", "co": "comment", "sh": "share", "li": "like", "ph": "photo"}
PLAT = {"fb": "facebook", "x": "x", "ig": "instagram", "tt": "tiktok", "yt": "youtube",
        "bs": "bluesky", "ma": "mastodon"}

def main():
    claims = []
    for line in (HERE / "claims.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        num, rating, date, source, url, text = line.split("|", 5)
        claims.append({"id": f"{PREFIX}-{num}", "claim": text, "rating": rating, "url": url,
                       "date": date, "source": source})
    (OUT / "claims.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims),
                                      encoding="utf-8")
    pairs = []
    for f in sorted(HERE.glob("pairs-*.txt")):
        for ln, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("|", 7)
            if len(parts) != 8:
                sys.exit(f"{f.name}:{ln}: expected 8 fields: {line}")
            num, cat, lab, kind, plat, reg, text, ctx = (p.strip() for p in parts)
            text = text.replace("\\n", "\n")
            ctx = None if ctx == "-" else ctx.replace("\\n", "\n")
            if kind == "li":
                text = ""
                reg = "-"
            pairs.append({"id": f"{PREFIX}-x{len(pairs) + 1:04d}",
                          "claim_id": None if num == "000" else f"{PREFIX}-{num}",
                          "kind": KIND[kind], "text": text, "context": ctx, "platform": PLAT[plat],
                          "label": LAB[lab], "category": CAT[cat],
                          "register": None if reg == "-" else reg, "split": SPLIT})
    (OUT / "pairs.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs),
                                     encoding="utf-8")
    print(f"{len(claims)} claims, {len(pairs)} pairs")

if __name__ == "__main__":
    main()
