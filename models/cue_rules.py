"""Explicit cues the model's score may not override: a vote call or a campaign hashtag for one candidate.

The model reads masked text and can miss a slang or misspelt call ("cblos no 3 y gaess") that the
matcher found without doubt. For a review queue a miss is invisible, so an act whose own words
(for a like or share without words of its own: the content it spread) carry

- a vote call — a vote word followed by one candidate's ballot number ("coblos no 2", "pilihen
  nomer loro", "dukung 02"), or
- a campaign hashtag listed for one candidate in the election profile,

is never scored below the flag threshold. The stance follows the call (support; oppose when the
call is negated, "jangan coblos 2"), and the cue list says which rule applied, so a reviewer sees
why. Acts that name several candidates' numbers (a neutral listing "nomor 1, 2 atau 3") or
several candidates' hashtags are left to the model. A comment is judged on its own words only:
the hashtags of the campaign post it answers never trigger the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.features import ActView
from models.matcher import Cue, ProfileMatcher, normalise

VOTE_WORDS = re.compile(r"^(?:coblos|cblos|coblosen|nyoblos|nyblos|pilih|plih|pilihen|milih|contreng|dukung|"
                        r"menangkan|vote)\b")
NEGATIONS = frozenset("jangan jgn jngn ojo aja ulah sanes tidak tak gak ga nggak ngga enggak bukan moh emoh".split())
RULE_CUE = "aturan"


@dataclass(frozen=True)
class ExplicitCall:
    candidate: str
    stance: str  # support | oppose
    why: str  # shown to reviewers among the cues


def _negated(text: str, cue: Cue) -> bool:
    words = re.findall(r"[^\W\d_]+", normalise(text[max(0, cue.start - 24) : cue.start]).text)
    return bool(words) and words[-1] in NEGATIONS


def explicit_call(view: ActView, kind: str, text: str, context: str | None,
                  matcher: ProfileMatcher) -> ExplicitCall | None:
    """The act's explicit call for one candidate, if it has one (see the module's rule)."""
    own_words = bool(re.search(r"[^\W_]", text or ""))
    fields = ("text",) if own_words or kind not in ("like", "share") else ("context",)
    calls: dict[str, ExplicitCall] = {}
    for cue in view.cues:
        if cue.field not in fields or cue.candidate is None:
            continue
        source = text if cue.field == "text" else (context or "")
        if cue.kind == "number" and VOTE_WORDS.match(normalise(cue.text).text):
            stance = "oppose" if _negated(source, cue) else "support"
            calls.setdefault(cue.candidate, ExplicitCall(cue.candidate, stance, f"{RULE_CUE}:ajakan memilih "
                                                                                 f"«{cue.text}»"))
        elif cue.kind == "hashtag" and matcher.hashtag_keys.get(re.sub(r"[\W_]+", "", normalise(cue.text).text)):
            calls.setdefault(cue.candidate, ExplicitCall(cue.candidate, "support", f"{RULE_CUE}:tagar kampanye "
                                                                                   f"«{cue.text}»"))
    return next(iter(calls.values())) if len(calls) == 1 else None
