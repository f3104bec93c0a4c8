"""The keyword-rules-only baseline: what a filter without a model would flag.

Any cue of a candidate or party (the same profile matcher the model uses) flags
the act as support for the most-cued candidate; a hate word flags it as hate.
It is measured next to the model in every evaluation so the model's value over
plain keyword search is always visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.features import view_act
from models.matcher import matcher_for
from models.profile import ElectionProfile

# Slurs and SARA insults common in Indonesian social media (domain.md §4); deliberately plain.
HATE_WORDS = frozenset(
    """
    kafir kapir kafirun cina cokin aseng asing2 antek pki komunis kadrun cebong kampret babi anjing anjg anjir
    bangsat bajingan bego goblok goblog tolol idiot laknat monyet setan iblis najis sesat murtad yahudi onta
    pribumi bani togog taik tai keparat sampah biadab penista penjajah usir bunuh binasakan basmi
    """.split()
)

KEYWORD_MODEL_VERSION = "keywords-1"


def has_hate_word(text: str) -> bool:
    return any(w in HATE_WORDS for w in re.findall(r"[^\W\d_]+", text.casefold()))


def keyword_classify(inputs: Sequence, profile: ElectionProfile) -> list:  # type: ignore[type-arg]
    """Same inputs and results as ``Classifier.classify``, decided by keywords alone."""
    from models.infer import ClassifyResult

    matcher = matcher_for(profile)
    results = []
    for item in inputs:
        view = view_act(matcher, item.kind, item.text, item.context)
        target = view.inputs[0].target
        hate = has_hate_word(item.text or "") or (item.kind in ("like", "share") and has_hate_word(item.context or ""))
        partisan = target is not None
        candidate = target.id if target is not None and target.kind == "candidate" else None
        party = target.id if target is not None and target.kind == "party" else None
        results.append(
            ClassifyResult(
                id=item.id,
                flagged=partisan or hate,
                score=1.0 if (partisan or hate) else 0.0,
                stance="support" if partisan else "none",
                hate=hate,
                candidate=candidate,
                party=party,
                cues=sorted({c.text for c in view.cues}),
                model_version=KEYWORD_MODEL_VERSION,
                profile_id=profile.id,
            )
        )
    return results
