"""Classify acts of civil servants against an election profile (``netra classify``, the pipeline, the demo).

The model is loaded once; inputs are matched against the profile, masked,
tokenised without padding, sorted by length and run in batches padded only to
the longest member of each batch (length bucketing), under
``torch.inference_mode`` with a fixed thread count. Optional dynamic int8
quantisation of the linear layers trades a little accuracy for speed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from models.cue_rules import explicit_call
from models.features import STANCES, ActView, cue_strings, view_act
from models.follows import judge_follow
from models.matcher import matcher_for
from models.network import ModelDirError, ModelMeta, StanceHateNet, load_network
from models.profile import ElectionProfile
from models.resolve import RULE_CUE as RESOLVE_CUE
from models.resolve import DescriptorReader, owner_of_target, weak_candidate
from models.text import clean_text, has_visible_text

if TYPE_CHECKING:
    from models.hate_fusion import HateTweets
    from models.hoax import HoaxMatcher, HoaxResult

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "default"
KINDS = ("post", "comment", "share", "like", "photo", "follow")
# Acts judged on their own words, with the context only to read them by: without visible words of
# their own there is nothing of the author's to judge. A like or share is its context, by nature.
OWN_TEXT_KINDS = ("comment",)
HATE_THRESHOLD = 0.5
# Mojibake from UTF-8 read as cp1252/latin-1 ("Ã©", "â€™"): repaired when the round trip is clean.
MOJIBAKE_MARKS = ("Ã", "â€", "Â", "ðŸ")


@dataclass(frozen=True)
class ClassifyInput:
    id: str
    kind: str
    text: str
    context: str | None
    platform: str | None = None


@dataclass(frozen=True)
class ClassifyResult:
    id: str
    flagged: bool
    score: float
    stance: str
    hate: bool
    candidate: str | None
    party: str | None
    cues: list[str]
    model_version: str
    profile_id: str
    # The act repeats a claim fact-checkers rated false; the claims ({"claim", "rating", "url",
    # "similarity"}) it repeats.
    hoax: bool = False
    hoax_claims: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The output record of ``docs/interfaces.md`` (plus model version and profile id)."""
        data = asdict(self)
        data["score"] = round(float(self.score), 4)
        return data


def repair_mojibake(text: str) -> str:
    if not text or not any(mark in text for mark in MOJIBAKE_MARKS):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


@dataclass(frozen=True)
class ScoredAct:
    item: ClassifyInput
    view: ActView | None
    stance: torch.Tensor  # [targets, 3]
    hate: torch.Tensor  # [targets]


class Classifier:
    """A loaded model: ``classify(inputs, profile)`` gives one result per input, same order."""

    def __init__(self, net: StanceHateNet, tokenizer: Any, meta: ModelMeta, batch_size: int = 32) -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.meta = meta
        self.batch_size = batch_size
        # Claims to match acts against; the caller sets it (monitor.hoax), None: no hoax matching.
        self.hoax: HoaxMatcher | None = None
        # The tweet-register hate component of the model directory, None: the head's hate alone.
        self.hate_tweets: HateTweets | None = None
        # Reads whom a partisan act without cues is about from the profile's traits (models/resolve.py);
        # None: such acts keep an unknown candidate.
        self.descriptors: DescriptorReader | None = None

    @property
    def model_version(self) -> str:
        return self.meta.version

    @property
    def threshold(self) -> float:
        return self.meta.threshold

    def predict_pairs(self, pairs: Sequence[tuple[str, str | None]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Stance probabilities [n, 3] and hate probabilities [n] for (first, second) text pairs.

        With a tweet hate component in the model directory (models/hate_tweets.py), the hate
        probability is its fusion of the head's hate logit with the component's reading of the same
        pooled embedding; without one, the head's sigmoid as before.
        """
        stance, hate_logit, pooled = self.encode_pairs(pairs)
        if self.hate_tweets is not None:
            from models.hate_fusion import pair_text

            return stance, self.hate_tweets.fuse(hate_logit, pooled, [pair_text(f, s) for f, s in pairs])
        return stance, torch.sigmoid(hate_logit)

    def encode_pairs(self, pairs: Sequence[tuple[str, str | None]]
                     ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Stance probabilities [n, 3], the head's hate logit [n] and the pooled embedding [n, hidden]."""
        hidden_size = self.net.head.in_features
        if not pairs:
            return torch.zeros(0, len(STANCES)), torch.zeros(0), torch.zeros(0, hidden_size)
        # Cleaned here too: the tokenizer refuses a lone surrogate with a TypeError for the whole batch.
        encoded = [
            self.tokenizer(clean_text(first), clean_text(second) if second is not None else None,
                           truncation=True, max_length=self.meta.max_length)["input_ids"]
            for first, second in pairs
        ]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        stance = torch.zeros(len(encoded), len(STANCES))
        hate = torch.zeros(len(encoded))
        pooled_all = torch.zeros(len(encoded), hidden_size)
        pad = self.tokenizer.pad_token_id or 0
        self.net.eval()
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                width = max(len(encoded[i]) for i in idx)
                ids = torch.full((len(idx), width), pad, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
                    mask[row, : len(encoded[i])] = 1
                pooled = self.net.pooled(ids, mask)
                logits = self.net.head(pooled).float()  # dropout is the identity in eval mode
                stance[idx] = torch.softmax(logits[:, : len(STANCES)], dim=-1)
                hate[idx] = logits[:, len(STANCES)]
                pooled_all[idx] = pooled.float()
        return stance, hate, pooled_all

    def classify(self, inputs: Sequence[ClassifyInput], profile: ElectionProfile) -> list[ClassifyResult]:
        results = self.decide(self.score(inputs, profile), profile, self.threshold)
        if self.hoax is None:
            return results
        return [with_hoax(r, h) for r, h in zip(results, self.hoax.match(inputs), strict=True)]

    def score(self, inputs: Sequence[ClassifyInput], profile: ElectionProfile) -> list[ScoredAct]:
        """Model probabilities per act and target, before any threshold."""
        matcher = matcher_for(profile)
        views: list[ActView | None] = []
        pairs: list[tuple[str, str | None]] = []
        for item in inputs:
            text, context = read_texts(item)
            if not has_visible_text(text) and not has_visible_text(context):
                views.append(None)  # nothing to read: a defined "none" result, no model call
                continue
            if item.kind in OWN_TEXT_KINDS and not has_visible_text(text):
                # A comment says what its own text says; the post it answers is not its author's act.
                views.append(None)
                continue
            view = view_act(matcher, item.kind, text, context)
            views.append(view)
            pairs.extend((m.first, m.second) for m in view.inputs)
        stance_p, hate_p = self.predict_pairs(pairs)
        scored = []
        row = 0
        for item, view in zip(inputs, views, strict=True):
            n = len(view.inputs) if view is not None else 0
            scored.append(ScoredAct(item, view, stance_p[row : row + n], hate_p[row : row + n]))
            row += n
        return scored

    def decide(self, scored: Sequence[ScoredAct], profile: ElectionProfile, threshold: float) -> list[ClassifyResult]:
        matcher = matcher_for(profile)
        results: list[ClassifyResult] = []
        unresolved: list[tuple[int, str]] = []  # partisan acts whose candidate no cue names: (index, text)
        for act in scored:
            item, view = act.item, act.view
            if view is None:
                results.append(self._result(item, profile, 0.0, "none", False, None, [], threshold))
                continue
            # The cues' offsets are into the text as it was read (cleaned, mojibake repaired): the rules read that.
            text, context = read_texts(item)
            partisan = 1.0 - act.stance[:, 0]
            best = int(torch.argmax(partisan))
            p_partisan, p_hate = float(partisan[best]), float(act.hate.mean())
            stance = "none"
            if p_partisan >= threshold:
                stance = "support" if act.stance[best, 1] >= act.stance[best, 2] else "oppose"
            if item.kind == "follow":
                # The model never learnt follows: rules over the followed account's bio (models/follows.py).
                best, stance, p_partisan = judge_follow(context, view, act.stance, best, stance, p_partisan,
                                                        profile, threshold)
            target = view.inputs[best].target
            cues = cue_strings(view.cues, target, matcher)
            call = explicit_call(view, item.kind, text, context, matcher) if item.kind != "follow" else None
            if call is not None and (p_partisan < threshold or stance == "none"):
                # An explicit call the matcher found is never scored below the flag threshold (models/cue_rules.py).
                best = next((i for i, m in enumerate(view.inputs) if m.target is not None
                             and m.target.kind == "candidate" and m.target.id == call.candidate), best)
                target = view.inputs[best].target
                p_partisan, stance = max(p_partisan, threshold), call.stance
                cues = [call.why, *cue_strings(view.cues, target, matcher)]
            owner = owner_of_target(target, view, profile) if stance != "none" else None
            if owner is not None and target is None and item.kind != "follow":
                # Judged partisan without a cue: whom it is about, from weak forms or traits (models/resolve.py).
                weak = weak_candidate(matcher, text, context)
                if weak is not None:
                    owner = (weak[0], None)
                    cues = [weak[1].text, *cues]
                else:
                    unresolved.append((len(results), _act_text(item)))
            results.append(
                self._result(
                    item, profile, max(p_partisan, p_hate), stance, p_hate >= HATE_THRESHOLD, owner, cues, threshold,
                )
            )
        if unresolved and self.descriptors is not None:
            found = self.descriptors.resolve([t for _, t in unresolved], profile)
            for (i, _), hit in zip(unresolved, found, strict=True):
                if hit is not None:
                    results[i] = replace(results[i], candidate=hit[0],
                                         cues=[f"{RESOLVE_CUE}:mirip ciri «{hit[1]}»", *results[i].cues])
        return results

    def _result(
        self,
        item: ClassifyInput,
        profile: ElectionProfile,
        score: float,
        stance: str,
        hate: bool,
        owner: tuple[str | None, str | None] | None,
        cues: list[str],
        threshold: float,
    ) -> ClassifyResult:
        candidate, party = owner or (None, None)
        return ClassifyResult(
            id=item.id,
            flagged=stance != "none" or hate or score >= threshold,
            score=score,
            stance=stance,
            hate=hate,
            candidate=candidate,
            party=party,
            cues=cues,
            model_version=self.model_version,
            profile_id=profile.id,
        )


def with_hoax(result: ClassifyResult, found: HoaxResult) -> ClassifyResult:
    """``result`` with the hoax match added: an act repeating a debunked claim is flagged, its score at least
    the match's confidence; the partisanship and hate findings stay as they were."""
    if not found.hoax:
        return result
    return replace(result, flagged=True, score=max(result.score, found.score), hoax=True,
                   hoax_claims=[m.to_json() for m in found.claims])


def read_texts(item: ClassifyInput) -> tuple[str, str | None]:
    """The act's own words and the post it acts on as the classifier reads them: cleaned, mojibake repaired."""
    text = repair_mojibake(clean_text(item.text or ""))
    return text, repair_mojibake(clean_text(item.context)) if item.context else None


def _act_text(item: ClassifyInput) -> str:
    """The act as one text for the descriptor reader: its own words, then the post it acts on."""
    own, context = read_texts(item)
    return f"{own} {context or ''}".strip()


def quantize_dynamic(net: StanceHateNet) -> StanceHateNet:
    """Every Linear layer in dynamic int8 (attention projections and the head too)."""
    return _quantize_dynamic(net, {torch.nn.Linear})


def _encoder_linears(net: StanceHateNet) -> dict[str, list[str]]:
    """The encoder's Linear layers by role: ``attention`` (query, key, value, output), ``ffn_up``
    (BERT's ``intermediate.dense``) and ``ffn_down`` (the feed-forward ``output.dense``)."""
    roles: dict[str, list[str]] = {"attention": [], "ffn_up": [], "ffn_down": []}
    for name, module in net.named_modules():
        if not isinstance(module, torch.nn.Linear) or not name.startswith("encoder."):
            continue
        if ".attention." in name:
            roles["attention"].append(name)
        elif name.endswith(".intermediate.dense"):
            roles["ffn_up"].append(name)
        elif name.endswith(".output.dense"):
            roles["ffn_down"].append(name)
    return roles


def quantize_feed_forward(net: StanceHateNet) -> StanceHateNet:
    """Dynamic int8 on the feed-forward layers only; attention, embeddings and the head stay fp32."""
    roles = _encoder_linears(net)
    names = set(roles["ffn_up"] + roles["ffn_down"])
    if not names:
        raise ValueError("no feed-forward Linear layers found (not a BERT-style encoder?)")
    return _quantize_dynamic(net, names)


def quantize_except_ffn_down(net: StanceHateNet) -> StanceHateNet:
    """Dynamic int8 on attention and the feed-forward up-projection; the down-projection, embeddings and head fp32.

    The down-projection reads the GELU's output, whose few large values a per-tensor int8 scale
    flattens: on the bundled model, quantising it cost 2–3 points of flag F1 (bench/classify.py,
    docs/scale.md), while the other layers together cost none.
    """
    roles = _encoder_linears(net)
    names = set(roles["attention"] + roles["ffn_up"])
    if not names:
        raise ValueError("no attention or feed-forward Linear layers found (not a BERT-style encoder?); "
                         "set NETRA_CLASSIFY_PRECISION=fp32")
    return _quantize_dynamic(net, names)


def _quantize_dynamic(net: StanceHateNet, spec: set[Any]) -> StanceHateNet:
    import warnings

    # torch marks eager-mode quantisation deprecated in favour of torchao, which is not installed here;
    # it still works in torch 2.13 (checked by tests/test_classify_cli.py).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic as _quantize

        return _quantize(net, spec, dtype=torch.qint8)


def load_classifier(model_dir: Path | None = None, quantize: bool = False, threads: int | None = None,
                    batch_size: int = 32, precision: str = "fp32") -> Classifier:
    """The classifier in ``model_dir`` (default: the bundled ``models/default``).

    ``threads`` sets torch's thread count for the process (``None``: torch's default): several workers on
    one machine must share its cores, or their thread pools spin against each other. ``precision`` is one
    of ``PRECISIONS`` (``quantize=True`` is ``"int8-all"``); a quantised path adds its suffix to the model
    version, so its classifications are never taken for the fp32 model's. The service passes its settings
    (``monitor.classify.load_configured_classifier``); this module reads none.
    """
    if quantize:
        precision = "int8-all"
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    model_dir = Path(model_dir or DEFAULT_MODEL_DIR)
    if threads is not None and threads > 0:
        torch.set_num_threads(threads)
    try:
        net, tokenizer, meta = load_network(model_dir)
    except ModelDirError:
        raise
    except OSError as exc:
        raise ModelDirError(f"{model_dir}: cannot load model ({exc})") from None
    from models.hate_fusion import load_hate_tweets, version_suffix

    hate_tweets = load_hate_tweets(model_dir)
    if hate_tweets is not None and hate_tweets.weight.shape != (net.head.in_features,):
        # Fitted to another network's embedding (a directory mixed from two builds): refuse it here, not at the
        # first act classified.
        raise ModelDirError(f"{model_dir}: the hate-tweet component reads {hate_tweets.weight.shape[0]}-wide "
                            f"embeddings, this network's are {net.head.in_features}: rebuild it with "
                            "`python -m models.hate_tweets`")
    meta.version += version_suffix(model_dir)
    meta.threshold = meta.thresholds.get(precision, meta.threshold)
    quantise, suffix = PRECISIONS[precision]
    if quantise is not None:
        net = quantise(net)
        meta.version += suffix
    classifier = Classifier(net, tokenizer, meta, batch_size=batch_size)
    classifier.hate_tweets = hate_tweets
    classifier.descriptors = DescriptorReader()
    return classifier


# Inference paths: how the network's Linear layers run, and the suffix each adds to the model version.
# "int8" is the service's default (monitor.config.classify_precision): on the bundled model it read
# 1.8× as fast as fp32 with flag F1 within a point on the test and challenge sets; "int8-all" read faster
# still but lost 1.3 points on test (bench/classify.py, docs/scale.md).
PRECISIONS: dict[str, tuple[Callable[[StanceHateNet], StanceHateNet] | None, str]] = {
    "fp32": (None, ""),
    "int8": (quantize_except_ffn_down, "+int8-no-ffn-down"),
    "int8-all": (quantize_dynamic, "+int8"),
}
