"""Build claims.jsonl and pairs-NN.jsonl from the hand-written sources in this folder.

Sources: claims.txt and pairs-*.txt (one record per line, fields separated by ' || ').
Run: python3 src/build.py   (from models/data/hoax/). Deterministic.
"""
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent

SOURCES = {
    "cfn": ("Cek Fakta Nusantara", "https://ceknusantara.id/cek-fakta/{y}/{m}/{slug}"),
    "pd": ("Periksa Dulu", "https://periksadulu.org/klaim/{slug}"),
    "sk": ("Saring Kabar", "https://saringkabar.id/{y}/{m}/{d}/{slug}"),
    "kj": ("Kabar Jernih", "https://kabarjernih.com/cek-fakta/{slug}"),
    "jhs": ("Jaring Hoaks Sulawesi", "https://jaringhoaks-sulawesi.or.id/verifikasi/{slug}"),
    "mr": ("Meja Riset Fakta", "https://mejarisetfakta.id/artikel/{y}{m}{d}-{slug}"),
}
LABELS = {"S": "spreads", "D": "debunks", "A": "asks", "U": "unrelated"}
CATS = {
    "ps": "plain_spread", "pa": "paraphrase", "tr": "translation", "pt": "partial",
    "db": "debunk_share", "sa": "sarcastic_repetition", "q": "question",
    "st": "same_topic_unrelated", "tc": "true_claim",
}
PER_FILE = 100
VALIDATION_SHARE = 0.35
SEED = 20250611


def rows(path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        yield n, [f.strip() for f in line.split(" || ")]


def build_claims():
    claims = {}
    for n, f in rows(HERE / "claims.txt"):
        assert len(f) == 6, (n, f)
        num, rating, date, src, slug, text = f
        name, pattern = SOURCES[src]
        y, m, d = date.split("-")
        cid = f"cl-{int(num):03d}"
        claims[cid] = {
            "id": cid, "claim": text, "rating": rating,
            "url": pattern.format(y=y, m=m, d=d, slug=slug),
            "date": date, "source": name,
        }
    return claims


def fill(s, claim, where):
    """Put the claim's URL and source into a template row; no placeholder may survive."""
    if claim:
        s = s.replace("{url}", claim["url"]).replace("{src}", claim["source"])
    assert not re.search(r"\{(url|src)\}", s), where
    return s.replace("\\n", "\n")


def build_pairs(claims):
    pairs = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for n, f in rows(path):
            assert len(f) == 8, (path.name, n, len(f), f)
            c, kind, platform, lab, cat, reg, text, ctx = f
            cid = None if c == "-" else f"cl-{int(c):03d}"
            where = f"{path.name}:{n}"
            text = fill(text, claims[cid] if cid else None, where)
            ctx = None if ctx == "~" else fill(ctx, claims[cid] if cid else None, where)
            pairs.append({
                "claim_id": cid, "kind": kind, "text": text, "context": ctx,
                "platform": platform, "label": LABELS[lab], "category": CATS[cat],
                "register": None if reg == "~" else reg,
                "_src": f"{path.name}:{n}",
            })
    return pairs


def assign_split(claims, pairs):
    """Split by claim: all pairs of a claim share a split; ~35 % of pairs in validation.
    Claims rated Benar and the others are split separately so both splits hold true claims."""
    rng = random.Random(SEED)
    per_claim = {}
    for p in pairs:
        per_claim.setdefault(p["claim_id"], []).append(p)
    split_of = {}
    for group in (lambda r: r == "Benar", lambda r: r != "Benar"):
        ids = [c for c in claims if group(claims[c]["rating"])]
        rng.shuffle(ids)
        total = sum(len(per_claim.get(c, [])) for c in ids)
        taken = 0
        for c in ids:
            k = len(per_claim.get(c, []))
            if taken + k <= VALIDATION_SHARE * total + 1:
                split_of[c] = "validation"
                taken += k
            else:
                split_of[c] = "test"
    for p in pairs:
        if p["claim_id"] is not None:
            p["split"] = split_of[p["claim_id"]]
    nulls = [p for p in pairs if p["claim_id"] is None]
    rng.shuffle(nulls)
    for i, p in enumerate(nulls):
        p["split"] = "validation" if i < round(VALIDATION_SHARE * len(nulls)) else "test"
    return split_of


def main():
    claims = build_claims()
    pairs = build_pairs(claims)
    assign_split(claims, pairs)
    # order: by claim (pairs of one claim together, as written), acts without a claim last
    pairs.sort(key=lambda p: (p["claim_id"] is None, p["claim_id"] or ""))
    with open(OUT / "claims.jsonl", "w", encoding="utf-8") as fh:
        for c in claims.values():
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    for old in OUT.glob("pairs-*.jsonl"):
        old.unlink()
    keys = ["id", "claim_id", "kind", "text", "context", "platform", "label", "category", "register", "split"]
    for i, p in enumerate(pairs, 1):
        p["id"] = f"hx-{i:04d}"
    for f in range(0, len(pairs), PER_FILE):
        chunk = pairs[f:f + PER_FILE]
        with open(OUT / f"pairs-{f // PER_FILE + 1:02d}.jsonl", "w", encoding="utf-8") as fh:
            for p in chunk:
                fh.write(json.dumps({k: p[k] for k in keys}, ensure_ascii=False) + "\n")
    print(f"{len(claims)} claims, {len(pairs)} pairs")


if __name__ == "__main__":
    main()
