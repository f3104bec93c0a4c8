"""Check a folder of hoax pairs written after the first set (claims.jsonl + pairs-*.jsonl) and print counts.

Usage: python3 models/data/hoax-train/validate.py FOLDER SPLIT
  FOLDER: models/data/hoax-train or models/data/hoax-test2
  SPLIT:  the split every pair carries (train, test2)
Claim ids are PREFIX-NNN and pair ids PREFIX-xNNNN, one prefix per writer. Exit status 1 on any problem.
The writers checked their own files with this script before they were merged here.
"""
import collections
import json
import re
import sys
from pathlib import Path

RATINGS = {"Salah", "Hoaks", "Menyesatkan", "Konten yang Dimanipulasi", "Satire", "Benar"}
KINDS = {"post", "comment", "share", "like", "photo"}
PLATFORMS = {"x", "instagram", "facebook", "tiktok", "bluesky", "mastodon", "youtube"}
LABELS = {"spreads", "debunks", "asks", "unrelated"}
CATEGORIES = {"paraphrase", "translation", "partial", "debunk_share", "sarcastic_repetition",
              "question", "same_topic_unrelated", "true_claim", "plain_spread"}
REGISTERS = {"formal", "casual", "alay", "religious", "mixed_en", "jawa", "sunda", "minang",
             "betawi", "bugis", "makassar", "banjar", "manado", "batak", "palembang"}
REGIONAL = REGISTERS - {"formal", "casual", "alay", "religious"}
CLAIM_KEYS = ["id", "claim", "rating", "url", "date", "source"]
PAIR_KEYS = ["id", "claim_id", "kind", "text", "context", "platform", "label", "category", "register", "split"]
ALLOWED = {
    "plain_spread": {"spreads"}, "paraphrase": {"spreads"}, "translation": {"spreads"}, "partial": {"spreads"},
    "question": {"asks", "spreads"}, "sarcastic_repetition": {"debunks", "spreads"}, "debunk_share": {"debunks"},
    "same_topic_unrelated": {"unrelated"}, "true_claim": {"unrelated"},
}


def main() -> int:
    folder, split = Path(sys.argv[1]), sys.argv[2]
    errors: list[str] = []
    claims = {}
    for n, line in enumerate((folder / "claims.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        where = f"claims.jsonl:{n}"
        try:
            c = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON ({e})")
            continue
        if list(c) != CLAIM_KEYS:
            errors.append(f"{where}: keys {list(c)} != {CLAIM_KEYS}")
            continue
        if not re.fullmatch(r"[a-z0-9]+-\d{3}", c["id"]):
            errors.append(f"{where}: id {c['id']} is not PREFIX-NNN")
        if c["id"] in claims:
            errors.append(f"{where}: duplicate id")
        if c["rating"] not in RATINGS:
            errors.append(f"{where}: rating {c['rating']!r}")
        if not re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S+", c["url"]):
            errors.append(f"{where}: url {c['url']!r}")
        if not re.fullmatch(r"20\d\d-\d\d-\d\d", c["date"]):
            errors.append(f"{where}: date {c['date']!r}")
        if len(c["claim"]) < 25:
            errors.append(f"{where}: claim too short")
        claims[c["id"]] = c
    pairs = []
    seen_ids, seen_texts = set(), set()
    lines = [(path.name, n, line) for path in sorted(folder.glob("pairs-*.jsonl"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    for name, n, line in lines:
        where = f"{name}:{n}"
        try:
            p = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON ({e})")
            continue
        if list(p) != PAIR_KEYS:
            errors.append(f"{where}: keys {list(p)} != {PAIR_KEYS}")
            continue
        if not re.fullmatch(r"[a-z0-9]+-x\d{4}", p["id"]) or p["id"] in seen_ids:
            errors.append(f"{where}: id {p['id']!r} bad or duplicate")
        seen_ids.add(p["id"])
        if p["claim_id"] is not None and p["claim_id"] not in claims:
            errors.append(f"{where}: unknown claim_id {p['claim_id']}")
        if p["kind"] not in KINDS:
            errors.append(f"{where}: kind {p['kind']!r}")
        if p["platform"] not in PLATFORMS:
            errors.append(f"{where}: platform {p['platform']!r}")
        if p["label"] not in LABELS:
            errors.append(f"{where}: label {p['label']!r}")
        if p["category"] not in CATEGORIES:
            errors.append(f"{where}: category {p['category']!r}")
        elif p["label"] not in ALLOWED[p["category"]]:
            errors.append(f"{where}: label {p['label']} not allowed in category {p['category']}")
        if p["split"] != split:
            errors.append(f"{where}: split {p['split']!r} != {split!r}")
        if p["kind"] == "like":
            if p["text"] != "" or not p["context"] or p["register"] is not None:
                errors.append(f"{where}: a like has text '', a context and register null")
        else:
            if p["register"] not in REGISTERS:
                errors.append(f"{where}: register {p['register']!r}")
        if p["kind"] in ("comment", "like") and not p["context"]:
            errors.append(f"{where}: a {p['kind']} needs the context it acts on")
        if p["kind"] in ("post", "photo") and p["context"] is not None:
            errors.append(f"{where}: a {p['kind']} has context null")
        if p["kind"] == "photo" and "\nAlt: " not in p["text"]:
            errors.append(f"{where}: a photo's text is 'caption\\nAlt: description'")
        if p["kind"] == "share" and not p["context"]:
            errors.append(f"{where}: a share needs the shared post as context")
        claim = claims.get(p["claim_id"]) if p["claim_id"] else None
        if claim and claim["rating"] == "Benar" and p["label"] == "spreads":
            errors.append(f"{where}: repeating a Benar claim is unrelated/true_claim, never spreads")
        if p["category"] == "true_claim" and (claim is None or claim["rating"] != "Benar"):
            errors.append(f"{where}: true_claim pairs go with a Benar claim")
        if p["label"] == "spreads" and claim is None:
            errors.append(f"{where}: spreads needs a claim_id")
        key = (p["text"], p["context"])
        if key in seen_texts and p["kind"] != "like":
            errors.append(f"{where}: duplicate act text")
        seen_texts.add(key)
        pairs.append(p)
    for e in errors:
        print(e)
    cats = collections.Counter(p["category"] for p in pairs)
    labels = collections.Counter(p["label"] for p in pairs)
    regional = sum(1 for p in pairs if p["register"] in REGIONAL)
    per_claim = collections.Counter(p["claim_id"] for p in pairs if p["claim_id"])
    share = regional / max(1, len(pairs))
    print(f"{len(claims)} claims, {len(pairs)} pairs; regional/code-mixed {regional} ({share:.1%})")
    print("categories:", dict(sorted(cats.items())))
    print("labels:", dict(sorted(labels.items())))
    print("ratings:", dict(collections.Counter(c["rating"] for c in claims.values())))
    print("kinds:", dict(collections.Counter(p["kind"] for p in pairs)))
    print("pairs per claim: min", min(per_claim.values(), default=0), "max", max(per_claim.values(), default=0),
          "claims without pairs:", sorted(set(claims) - set(per_claim)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
