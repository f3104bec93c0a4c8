#!/usr/bin/env python3
"""Turn the hand-written sources (claims.txt, pairs-*.txt) into claims.jsonl / pairs.jsonl.

claims.txt : id | rating | date | source | url | claim
pairs-*.txt: a line "@htc-NNN" or "@null" sets the claim for the following lines;
             each act line: cat label kind platform register | text | context
             (context "-" = null; register "-" = null; "\\n" in text = newline)
"""
import json, sys
from pathlib import Path
SRC = Path(__file__).parent
OUT = SRC / "build"  # the writer's JSONL; ../ holds them merged with sets A, B and D
OUT.mkdir(exist_ok=True)
SPLIT = "train"
CAT = dict(ps="plain_spread", pa="paraphrase", tr="translation", pt="partial", q="question",
           sa="sarcastic_repetition", db="debunk_share", su="same_topic_unrelated", tc="true_claim")
LAB = dict(S="spreads", D="debunks", A="asks", U="unrelated")
KIND = dict(po="post", co="comment", sh="share", li="like", ph="photo")
PLAT = dict(fb="facebook", x="x", ig="instagram", tt="tiktok", yt="youtube", bs="bluesky", md="mastodon")
REG = dict(cas="casual", for_="formal", alay="alay", rel="religious")

claims = []
for ln in (SRC / "claims.txt").read_text(encoding="utf-8").splitlines():
    if not ln.strip() or ln.startswith("#"):
        continue
    cid, rating, date, source, url, text = [p.strip() for p in ln.split("|", 5)]
    claims.append(dict(id=cid, claim=text, rating=rating, url=url, date=date, source=source))
with open(OUT / "claims.jsonl", "w", encoding="utf-8") as f:
    for c in claims:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")

pairs, cur, n = [], None, 0
for p in sorted(SRC.glob("pairs-*.txt")):
    for i, ln in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not ln.strip() or ln.startswith("#"):
            continue
        if ln.startswith("@"):
            cur = None if ln[1:].strip() == "null" else ln[1:].strip()
            continue
        parts = [x.strip() for x in ln.split("|")]
        if len(parts) != 3:
            sys.exit(f"{p.name}:{i}: need 3 fields: {ln}")
        head, text, ctx = parts
        cat, lab, kind, plat, reg = head.split()
        reg = None if reg == "-" else ("formal" if reg == "for" else REG.get(reg, reg))
        text = "" if text == '""' else text.replace("\\n", "\n")
        ctx = None if ctx == "-" else ctx.replace("\\n", "\n")
        n += 1
        pairs.append(dict(id=f"htc-x{n:04d}", claim_id=cur, kind=KIND[kind], text=text, context=ctx,
                          platform=PLAT[plat], label=LAB[lab], category=CAT[cat], register=reg, split=SPLIT))
with open(OUT / "pairs.jsonl", "w", encoding="utf-8") as f:
    for r in pairs:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(claims), "claims,", len(pairs), "pairs")
