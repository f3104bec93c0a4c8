"""Hoax matching at scale: 10k acts against 50k claims (acts/s), the index build, and where numpy stops.

**The claims are synthetic.** There are 120 labelled claims (``models/data/hoax/claims.jsonl``), so
the 50k claim texts are generated from them: each is a labelled claim with its numbers changed and
a made-up place, source and date line around it, so the texts have the lengths and vocabulary of real
claims (the word weights and cue reading work on realistic text) but are not real fact-checks. About
a tenth are rated true, as among the labelled claims. The acts are the validation split's act texts
(never the test split's), each made unique with a place and a number, cycled to 10k.

Measured, in order:

1. **Encoder rate** (e5-small, CPU): claims (``passage:``) and acts (``query:``) per second on a
   sample; encoding every claim once is the cold build (first import, or a new encoder version), and
   encoding the acts is part of every classification batch. On a small machine encoding 50k claims
   takes long, so by default only ``--encode-sample`` texts of each are encoded and the full cost is
   extrapolated from the measured rate (``--encode-all`` encodes everything).
2. **Index build from cached vectors** (what ``monitor.hoax.service.stored_matcher`` does in every
   process): decoding the cached float32 blobs, stacking and normalising them, and the word weights
   over the claim texts. Claims not encoded in step 1 get a sampled claim's vector with noise added:
   the search and the decision cost the same whatever the values.
3. **Matching** 10k acts against the 50k claims with the vectors known (top-8 search, then the
   decision: candidates, word overlap, cues), through ``HoaxMatcher.match`` as in service, and the
   end-to-end rate including act encoding.
4. **Where numpy stops**: the search alone against 50k … 1M random claim vectors.

Figures are printed, nothing is asserted (docs/interfaces.md §8 quotes them).

    .venv/bin/python bench/hoax.py [--claims 50000] [--acts 10000] [--encode-sample 256] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.hoax.action import NO_CONTEXT, context_words, own_words  # noqa: E402
from models.hoax.encoder import PASSAGE, QUERY, from_bytes, to_bytes  # noqa: E402
from models.hoax.index import ClaimIndex  # noqa: E402
from models.hoax.matcher import Claim, HoaxMatcher, HoaxRules, act_views  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "models" / "data" / "hoax"
PLACES = ("Kabupaten Sukamaju", "Kota Tanjung Rengas", "Kecamatan Lembah Sari", "Desa Sungai Limau",
          "Kota Nusa Kencana", "Kabupaten Toba Harapan", "Kabupaten Teluk Bone Raya", "Kota Mekarsari",
          "Kecamatan Bukit Asri", "Kabupaten Pantai Indah", "Kota Batu Hijau", "Kabupaten Rawa Jaya",
          "Desa Karang Anyar", "Kota Pelita Baru")
SOURCES = ("pesan berantai WhatsApp", "unggahan Facebook", "video TikTok", "utas di X", "grup Telegram warga",
           "tangkapan layar berita", "siaran langsung YouTube", "poster digital")
FRAMES = ("{claim}", "{claim} Kabar ini beredar di {place}.", "Beredar {source}: {claim}",
          "{claim} ({source}, {place})", "Menurut {source} di {place}, {claim}",
          "{claim} Informasi itu disebut berasal dari {place} pada {day} {month}.")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
_NUMBER = re.compile(r"\d+")


class KnownVectors:
    """An encoder whose vectors are already computed: matching is timed without encoding."""

    def __init__(self, vectors: dict[str, np.ndarray], version: str) -> None:
        self.vectors = vectors
        self.version = version

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])


def labelled_claims() -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA / "claims.jsonl").read_text(encoding="utf-8").splitlines() if line]


def synthetic_claims(n: int, seed: int = 0) -> list[Claim]:
    """``n`` unique claim texts made from the labelled claims (see the module docstring)."""
    rng = random.Random(seed)
    base = labelled_claims()
    out: list[Claim] = []
    seen: set[str] = set()
    while len(out) < n:
        source = base[len(out) % len(base)]
        text = _NUMBER.sub(lambda m: str(max(1, int(m.group()) + rng.randint(-9, 9))), source["claim"])
        text = rng.choice(FRAMES).format(claim=text, place=rng.choice(PLACES), source=rng.choice(SOURCES),
                                         day=rng.randint(1, 28), month=rng.choice(MONTHS))
        if text in seen:
            text = f"{text} Versi ke-{len(out)}."
        seen.add(text)
        false = rng.random() >= 0.1
        out.append(Claim(claim=text, rating="Salah" if false else "Benar", false=false, publisher=source["source"],
                         url=f"{source['url'].rstrip('/')}-{len(out)}", id=len(out)))
    return out


class Act:
    def __init__(self, kind: str, text: str, context: str | None) -> None:
        self.kind, self.text, self.context = kind, text, context


def synthetic_acts(n: int, seed: int = 1) -> list[Act]:
    """``n`` unique acts from the validation split's act texts (never the test split's)."""
    rng = random.Random(seed)
    pairs = []
    for path in sorted(DATA.glob("pairs-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record["split"] == "validation" and record.get("text"):
                    pairs.append(record)
    acts = []
    for i in range(n):
        pair = pairs[i % len(pairs)]
        text = f"{pair['text']} ({rng.choice(PLACES)}, {rng.randint(1, 99)})" if i >= len(pairs) else pair["text"]
        acts.append(Act(pair["kind"], text, pair.get("context")))
    return acts


def noisy(vectors: np.ndarray, n: int, rng: np.random.Generator, scale: float = 0.02) -> np.ndarray:
    """``n`` vectors near sampled rows of ``vectors`` (renormalised)."""
    rows = vectors[rng.integers(0, len(vectors), n)] + rng.normal(0, scale, (n, vectors.shape[1])).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--acts", type=int, default=10_000)
    parser.add_argument("--encode-sample", type=int, default=256, help="texts of each kind encoded for real")
    parser.add_argument("--encode-all", action="store_true", help="encode every claim and act (slow on a CPU)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scale", default="50000,100000,200000",
                        help="claim counts for the numpy search scan (random vectors)")
    args = parser.parse_args()

    import torch

    from monitor.hoax.service import shared_encoder

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    claims, made = timed(synthetic_claims, args.claims)
    acts = synthetic_acts(args.acts)
    print(f"{len(claims):,} synthetic claims (generated from the {len(labelled_claims())} labelled ones, "
          f"{sum(c.false for c in claims):,} rated false) in {made:.1f} s; {len(acts):,} acts from validation texts; "
          f"{args.threads} threads")

    # 1. The encoder.
    encoder = shared_encoder()
    sample = len(claims) if args.encode_all else min(args.encode_sample, len(claims))
    encoder.encode([claims[0].claim], PASSAGE)  # warm-up
    claim_vectors, t_claims = timed(encoder.encode, [c.claim for c in claims[:sample]], PASSAGE)
    act_texts = list(dict.fromkeys(v for act in acts for v in act_views(act)))
    act_sample = len(act_texts) if args.encode_all else min(args.encode_sample, len(act_texts))
    act_vectors, t_acts = timed(encoder.encode, act_texts[:act_sample], QUERY)
    claim_rate, act_rate = sample / t_claims, act_sample / t_acts
    views_per_act = len(act_texts) / len(acts)
    how = "measured" if args.encode_all else f"extrapolated from {sample} encoded"
    print(f"\n1. encoder {encoder.version}")
    print(f"   claims (passage): {claim_rate:8.1f}/s → encoding all {len(claims):,}: "
          f"{len(claims) / claim_rate / 60:.1f} min ({how})")
    print(f"   act texts (query): {act_rate:7.1f}/s ({views_per_act:.2f} texts per act) → "
          f"{act_rate / views_per_act:.1f} acts/s for encoding alone")

    # 2. The index from cached vectors, as a process builds it from claim_review.embedding.
    matrix = np.concatenate([claim_vectors, noisy(claim_vectors, len(claims) - sample, rng)])
    blobs = [to_bytes(v) for v in matrix]
    dimension = matrix.shape[1]
    decoded, t_decode = timed(lambda: np.stack([from_bytes(b, dimension) for b in blobs]))
    act_matrix = np.concatenate([act_vectors, noisy(act_vectors, len(act_texts) - act_sample, rng)])
    known_vectors = dict(zip(act_texts, act_matrix, strict=True))
    # The action reader (v9) encodes an act's own words and the post it acts on when the act is about a claim.
    reader_texts = [t for t in dict.fromkeys(x for act in acts for x in (own_words(act) or NO_CONTEXT,
                                                                          context_words(act)))
                    if t not in known_vectors]
    known_vectors.update(zip(reader_texts, noisy(act_vectors, len(reader_texts), rng), strict=True))
    known = KnownVectors(known_vectors, encoder.version)
    rules = HoaxRules.load()
    matcher, t_build = timed(lambda: HoaxMatcher(known, claims, decoded, rules))
    index, t_index = timed(ClaimIndex, decoded)
    print(f"\n2. index build from cached vectors ({len(claims):,} × {dimension} float32, "
          f"{index.nbytes / 2**20:.0f} MiB)")
    print(f"   decode blobs {t_decode:.2f} s, matcher (normalise + word weights) {t_build:.2f} s "
          f"(normalise alone {t_index:.2f} s)")

    # 3. Matching with the vectors known, then with act encoding added.
    matcher.match(acts[:64])  # warm-up
    # HoaxMatcher.match is candidates() then decide() per act: timed apart, so each figure is its own.
    (readable, indices, sims), t_search = timed(matcher.candidates, acts)
    results, t_decide = timed(lambda: [matcher.decide(acts[i], indices[row], sims[row])
                                       for row, i in enumerate(readable)])
    # The v5 score's decision (rules without a scorer) in the same process, as the baseline of the scorer's cost.
    score_only = replace(rules, scorer=None)
    _, t_score = timed(lambda: [matcher.decide(acts[i], indices[row], sims[row], score_only)
                                for row, i in enumerate(readable)])
    no_reader = replace(rules, action_reader=None)
    _, t_cues = timed(lambda: [matcher.decide(acts[i], indices[row], sims[row], no_reader)
                               for row, i in enumerate(readable)])
    read = sum(r.action != "none" for r in results)  # acts about a claim: the reader encodes two texts for each
    rate = len(acts) / (t_search + t_decide)
    end_to_end = 1 / (1 / rate + views_per_act / act_rate + 2 * read / len(acts) / act_rate)
    print(f"\n3. matching {len(acts):,} acts against {len(claims):,} claims")
    print(f"   search (top-8) {t_search:.2f} s = {len(acts) / t_search:,.0f} acts/s; decision {t_decide:.2f} s "
          f"= {len(acts) / t_decide:,.0f} acts/s; search + decision {rate:,.0f} acts/s")
    if rules.scorer:
        print(f"   decision by the match scorer ({rules.scorer}) {t_decide:.2f} s vs by the score alone "
              f"{t_score:.2f} s: {t_score / t_decide:.2f}× the score's rate")
    if rules.action_reader:
        print(f"   the action reader ({rules.action_reader}) read {read:,} acts about a claim: decision "
              f"{t_decide:.2f} s with it, {t_cues:.2f} s with the cues alone (its e5 encodings, 2 an act read, are "
              f"counted below)")
    print(f"   with act encoding (e5 on {args.threads} threads): {end_to_end:.1f} acts/s — the encoder is the cost")
    print(f"   ({sum(r.hoax for r in results):,} flagged: synthetic data, not a quality figure)")

    # 4. The search alone against more claims.
    print("\n4. numpy search, 1,024 acts × N random claims (top-8)")
    queries = noisy(act_vectors, 1024, rng)
    for size in (int(s) for s in args.scale.split(",") if s):
        try:
            vectors = rng.standard_normal((size, dimension), dtype=np.float32)
            big, t_norm = timed(ClaimIndex, vectors)
            del vectors
            _, t_q = timed(big.search, queries, 8)
        except MemoryError:
            print(f"   {size:>9,} claims: out of memory")
            break
        print(f"   {size:>9,} claims: {big.nbytes / 2**20:6.0f} MiB, build {t_norm:5.2f} s, "
              f"{1024 / t_q:8,.0f} acts/s ({t_q * 1000 / 1024:.2f} ms an act)", flush=True)
        del big


if __name__ == "__main__":
    main()
