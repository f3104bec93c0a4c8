"""Validate claims.jsonl and pairs-*.jsonl in this folder and print counts.

Run from anywhere:  python3 models/data/hoax/validate.py
Exit status 1 when any line breaks a rule.
"""
import collections
import datetime
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

RATINGS = {"Salah", "Hoaks", "Menyesatkan", "Konten yang Dimanipulasi", "Satire", "Benar"}
KINDS = {"post", "comment", "share", "like", "photo"}
PLATFORMS = {"x", "instagram", "facebook", "tiktok", "bluesky", "mastodon", "youtube"}
LABELS = {"spreads", "debunks", "asks", "unrelated"}
CATEGORIES = {"paraphrase", "translation", "partial", "debunk_share", "sarcastic_repetition",
              "question", "same_topic_unrelated", "true_claim", "plain_spread"}
SPLITS = {"validation", "test"}
REGISTERS = {"formal", "casual", "alay", "religious", "mixed_en", "jawa", "sunda", "minang",
             "betawi", "bugis", "makassar", "banjar", "manado", "batak", "palembang"}
REGIONAL = {"mixed_en", "jawa", "sunda", "minang", "betawi", "bugis", "makassar", "banjar",
            "manado", "batak", "palembang"}
CLAIM_KEYS = ["id", "claim", "rating", "url", "date", "source"]
PAIR_KEYS = ["id", "claim_id", "kind", "text", "context", "platform", "label", "category",
             "register", "split"]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def load(path):
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{n}"
        try:
            out.append((where, json.loads(line)))
        except json.JSONDecodeError as e:
            err(where, f"not JSON ({e})")
    return out


def check_claims():
    claims = {}
    for where, c in load(HERE / "claims.jsonl"):
        if list(c) != CLAIM_KEYS:
            err(where, f"keys {list(c)} != {CLAIM_KEYS}")
            continue
        if not re.fullmatch(r"cl-\d{3}", c["id"]):
            err(where, f"bad id {c['id']}")
        if c["id"] in claims:
            err(where, f"duplicate id {c['id']}")
        if c["rating"] not in RATINGS:
            err(where, f"bad rating {c['rating']}")
        if not re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S+", c["url"]):
            err(where, f"bad url {c['url']}")
        try:
            datetime.date.fromisoformat(c["date"])
        except ValueError:
            err(where, f"bad date {c['date']}")
        if not c["claim"].strip() or not c["source"].strip():
            err(where, "empty claim or source")
        claims[c["id"]] = c
    urls = collections.Counter(c["url"] for c in claims.values())
    for u, k in urls.items():
        if k > 1:
            err("claims.jsonl", f"url used {k} times: {u}")
    return claims


def check_pairs(claims):
    pairs = []
    files = sorted(HERE.glob("pairs-*.jsonl"))
    if not files:
        err("pairs", "no pairs-*.jsonl files")
    seen = set()
    sources = {c["source"] for c in claims.values()}
    for path in files:
        for where, p in load(path):
            if list(p) != PAIR_KEYS:
                err(where, f"keys {list(p)} != {PAIR_KEYS}")
                continue
            if not re.fullmatch(r"hx-\d{4}", p["id"]) or p["id"] in seen:
                err(where, f"bad or duplicate id {p['id']}")
            seen.add(p["id"])
            cid = p["claim_id"]
            if cid is not None and cid not in claims:
                err(where, f"unknown claim_id {cid}")
            for key, allowed in (("kind", KINDS), ("platform", PLATFORMS), ("label", LABELS),
                                 ("category", CATEGORIES), ("split", SPLITS)):
                if p[key] not in allowed:
                    err(where, f"bad {key} {p[key]!r}")
            if not isinstance(p["text"], str):
                err(where, "text must be a string")
                continue
            ctx = p["context"]
            if ctx is not None and (not isinstance(ctx, str) or not ctx.strip()):
                err(where, "context must be null or non-empty text")
            kind = p["kind"]
            if kind == "like":
                if p["text"] != "":
                    err(where, "a like must have empty text")
                if not ctx:
                    err(where, "a like needs a context")
                if p["register"] is not None:
                    err(where, "a like has no register (null)")
            else:
                if p["register"] not in REGISTERS:
                    err(where, f"bad register {p['register']!r}")
            if kind in ("share", "comment") and not ctx:
                err(where, f"a {kind} needs a context")
            if kind in ("post", "photo") and ctx is not None:
                err(where, f"a {kind} has context null in this set")
            if kind in ("post", "comment", "photo") and not p["text"].strip():
                err(where, f"a {kind} needs text")
            if kind == "photo" and "\nAlt: " not in p["text"]:
                err(where, "a photo carries 'caption\\nAlt: description'")
            # label rules
            rating = claims[cid]["rating"] if cid in claims else None
            cat, lab = p["category"], p["label"]
            if cat == "true_claim" and (rating != "Benar" or lab != "unrelated"):
                err(where, "true_claim: claim must be rated Benar and label unrelated")
            if rating == "Benar" and cat != "true_claim":
                err(where, "pairs of a Benar claim are true_claim in this set")
            if cat == "debunk_share" and lab != "debunks":
                err(where, "debunk_share must be labelled debunks")
            if cat == "same_topic_unrelated" and lab != "unrelated":
                err(where, "same_topic_unrelated must be labelled unrelated")
            if lab == "unrelated" and cat not in ("same_topic_unrelated", "true_claim"):
                err(where, "unrelated only for same_topic_unrelated/true_claim")
            if cid is None and cat != "same_topic_unrelated":
                err(where, "claim_id null only for same_topic_unrelated")
            if cat in ("plain_spread", "paraphrase", "partial") and lab != "spreads":
                err(where, f"{cat} is labelled spreads")
            if lab == "spreads" and rating == "Benar":
                err(where, "a Benar claim is never spread")
            if re.search(r"\{(url|src)\}", p["text"] + (ctx or "")):
                err(where, "unfilled placeholder")
            # a fact-checker named in the act must be the claim's own
            for s in sources:
                if s in p["text"] + (ctx or "") and cid and s != claims[cid]["source"]:
                    err(where, f"names {s} but the claim's source is {claims[cid]['source']}")
            pairs.append((where, p))
    return [p for _, p in pairs]


def check_splits(pairs):
    split_of = {}
    for p in pairs:
        cid = p["claim_id"]
        if cid is None:
            continue
        if split_of.setdefault(cid, p["split"]) != p["split"]:
            err(p["id"], f"claim {cid} appears in both splits")


def near_duplicates(pairs, threshold=0.8):
    def grams(s):
        s = re.sub(r"\s+", " ", s.lower())
        return {s[i:i + 4] for i in range(max(1, len(s) - 3))}
    items = [(p["id"], grams(p["text"])) for p in pairs if len(p["text"]) >= 25]
    out = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = items[i][1], items[j][1]
            jac = len(a & b) / len(a | b)
            if jac >= threshold:
                out.append((items[i][0], items[j][0], round(jac, 2)))
    return out


def table(title, counter, total):
    print(f"\n{title}")
    for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"  {str(k):24s} {v:4d}  {100 * v / total:5.1f}%")


def main():
    claims = check_claims()
    pairs = check_pairs(claims)
    check_splits(pairs)
    dups = near_duplicates(pairs)
    for a, b, j in dups:
        err(f"{a}/{b}", f"near-duplicate texts (4-gram Jaccard {j})")

    n = len(pairs)
    print(f"claims: {len(claims)}  pairs: {n}")
    table("claims per rating", collections.Counter(c["rating"] for c in claims.values()), len(claims))
    for key in ("label", "category", "split", "kind", "register", "platform"):
        table(f"pairs per {key}", collections.Counter(p[key] for p in pairs), n)
    table("label x split", collections.Counter(f"{p['label']}/{p['split']}" for p in pairs), n)
    regional = sum(p["register"] in REGIONAL for p in pairs)
    print(f"\nregional or code-mixed register: {regional} ({100 * regional / n:.1f}%)")
    used = {p["claim_id"] for p in pairs if p["claim_id"]}
    in_validation = {p["claim_id"] for p in pairs if p["claim_id"] and p["split"] == "validation"}
    print(f"claims with pairs: {len(used)}/{len(claims)}; claims in validation: {len(in_validation)}")
    cats = collections.Counter(p["category"] for p in pairs)
    for c in CATEGORIES:
        need = 60 if c == "debunk_share" else 35
        if cats[c] < need:
            err("counts", f"category {c} has {cats[c]} < {need}")
    if n < 450:
        err("counts", f"only {n} pairs (< 450)")
    if regional < n / 4:
        err("counts", f"regional/code-mixed {regional} < a quarter of {n}")
    if set(collections.Counter(p["kind"] for p in pairs)) != KINDS:
        err("counts", "not every kind is present")

    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK: all lines valid")


if __name__ == "__main__":
    main()
