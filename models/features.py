"""From one act (kind, text, context) to the masked model inputs, one per target.

Each candidate or party the matcher finds is a *target*: the model reads the
act with that target's cues as ``[CALON]``/``[NOMOR]``/... and everyone
else's as ``..._LAIN`` and says whether the act supports, opposes or is neutral
toward the target. An act with no cue at all is read once without a target
(implicit support such as "yang suka blusukan ke pasar itu" still counts).
Training and inference share this module so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.matcher import Cue, ProfileMatcher, Target
from models.text import clean_text

# The act kind is spelled out in Indonesian words the encoder already knows.
KIND_WORDS = {"post": "unggahan", "comment": "komentar", "share": "membagikan", "like": "menyukai", "photo": "foto",
              "follow": "mengikuti"}
STANCES = ("none", "support", "oppose")


@dataclass(frozen=True)
class ModelInput:
    target: Target | None
    first: str
    second: str | None


@dataclass(frozen=True)
class ActView:
    """An act as the matcher sees it: its cues and one model input per target."""

    cues: tuple[Cue, ...]
    inputs: tuple[ModelInput, ...]


def view_act(matcher: ProfileMatcher, kind: str, text: str, context: str | None) -> ActView:
    text = clean_text(text or "")
    context = clean_text(context) if context else context
    text_cues = matcher.find(text, context, field="text")
    context_cues = matcher.find(context, text, field="context") if context else []
    cues = [*text_cues, *context_cues]
    targets: list[Target | None] = list(matcher.targets(cues)) or [None]
    inputs = []
    for target in targets:
        first = f"{KIND_WORDS.get(kind, kind)}: {matcher.mask(text, text_cues, target)}".strip()
        second = matcher.mask(context, context_cues, target) if context else None
        inputs.append(ModelInput(target, first, second))
    return ActView(tuple(cues), tuple(inputs))


def cue_strings(cues: tuple[Cue, ...] | list[Cue], target: Target | None, matcher: ProfileMatcher) -> list[str]:
    """The evidence shown to reviewers: the chosen target's cues first, each surface form once."""
    def rank(cue: Cue) -> int:
        return 0 if target is not None and target.owns(cue, matcher.profile) else 1

    seen: list[str] = []
    for cue in sorted(cues, key=lambda c: (rank(c), c.field != "text", c.start)):
        if cue.text not in seen:
            seen.append(cue.text)
    return seen
