"""Everyday acts held out of the match scorer's fit, matched against the 111 claims of training writers A-D: how many
the shipped rules flag (docs/hoax.md, v11 and v12: v10 4+3, v11 6+4, v12 4+8).

600 acts of models/data/train not among the scorer's 800 everyday acts and 600 of models/data/dev, drawn with
``random.Random(7)``. Every flag is wrong: these acts were written for stance, not about these claims. Figures are
printed, nothing is asserted.

    .venv/bin/python bench/hoax_everyday.py [REPO_ROOT]
"""
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.hoax.evaluate import TRAIN, LabelledPair, load_split  # noqa: E402
from models.hoax.matcher import RULES_FILE, HoaxMatcher, HoaxRules  # noqa: E402
from models.hoax.train import TRAFFIC_ACTS, TRAFFIC_SEED, traffic_pairs  # noqa: E402
from monitor.hoax.service import is_false, shared_encoder  # noqa: E402

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
training = load_split(TRAIN, is_false)
claims = [c for c in training.claims if str(c.id).split("-")[0] in ("hta", "htb", "htc", "htd")]
assert len(claims) == 111, len(claims)
used = {(p.text, p.context) for p in traffic_pairs(["x"], limit=TRAFFIC_ACTS, seed=TRAFFIC_SEED)}


def acts(folder):
    out = []
    for path in sorted((root / "models" / "data" / folder).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if r.get("kind") in ("post", "comment", "share", "like", "photo"):
                    out.append(r)
    return out


rng = random.Random(7)
train_pool = [a for a in acts("train") if ((a.get("text") or ""), a.get("context")) not in used]
draws = {"train_draw": rng.sample(train_pool, 600), "dev_draw": rng.sample(acts("dev"), 600)}
rules = HoaxRules.load(RULES_FILE)
matcher = HoaxMatcher.from_claims(shared_encoder(), claims, rules)

out = {}
for name, draw in draws.items():
    pairs = [LabelledPair(id=f"e{n}", claim_id=None, kind=a["kind"], text=a.get("text") or "", context=a.get("context"),
                          platform=a.get("platform"), label="unrelated", category="traffic",
                          register=a.get("register"), split="x") for n, a in enumerate(draw)]
    results = matcher.match(pairs)
    out[name] = sum(r.hoax for r in results)
    for p, r in zip(pairs, results, strict=True):
        if r.hoax:
            print(name, repr(p.text[:100]), "->", r.claims[0].claim.id)
print(json.dumps({"version": rules.version, **out}))
