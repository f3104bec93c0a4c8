#!/usr/bin/env python3
"""Turn the hand-written source lines in src/ into claims.jsonl and pairs.jsonl.
Deterministic: ids are assigned in file order; nothing is generated or paraphrased."""
import json, os, re
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "build")  # the writer's JSONL; ../ holds them merged with set 4
os.makedirs(OUT, exist_ok=True)
PREFIX, SPLIT = "ht3", "test3"
SEP = " || "
CHECKERS = {
    "lacak": ("Lacak Fakta", "https://lacakfakta.id/cek/"),
    "timbang": ("Timbang Kabar", "https://timbangkabar.org/periksa/"),
    "ruang": ("Ruang Verifikasi", "https://ruangverifikasi.id/artikel/"),
    "sigi": ("Sigi Hoaks Timur", "https://sigihoaks-timur.net/"),
    "cermat": ("Cermat Kabar Banua", "https://cermatbanua.id/fakta/"),
}
def slug(text):
    text = re.sub(r"\(.*?\)", "", text).lower()
    words = re.findall(r"[a-z0-9]+", text)[:9]
    return "-".join(words)

claims = []
with open(os.path.join(HERE, "claims.txt"), encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        num, rating, date, chk, text = line.split(SEP)
        name, base = CHECKERS[chk]
        y, m = date[:4], date[5:7]
        claims.append({"id": f"{PREFIX}-{num}", "claim": text, "rating": rating,
                       "url": f"{base}{y}/{m}/{slug(text)}", "date": date, "source": name})
with open(os.path.join(OUT, "claims.jsonl"), "w", encoding="utf-8") as f:
    for c in claims:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")

pairs = []
for fn in sorted(os.listdir(HERE)):
    if not (fn.startswith("pairs-") and fn.endswith(".txt")):
        continue
    with open(os.path.join(HERE, fn), encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split(SEP)
            if len(parts) != 8:
                raise SystemExit(f"{fn}:{ln}: {len(parts)} fields")
            num, kind, plat, label, cat, reg, text, ctx = [p.strip() for p in parts]
            pairs.append({
                "id": f"{PREFIX}-x{len(pairs)+1:04d}",
                "claim_id": None if num == "000" else f"{PREFIX}-{num}",
                "kind": kind,
                "text": text.replace("\\n", "\n"),
                "context": None if ctx == "-" else ctx,
                "platform": plat, "label": label, "category": cat,
                "register": None if reg == "-" else reg,
                "split": SPLIT})
with open(os.path.join(OUT, "pairs.jsonl"), "w", encoding="utf-8") as f:
    for p in pairs:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
print(len(claims), "claims,", len(pairs), "pairs")
