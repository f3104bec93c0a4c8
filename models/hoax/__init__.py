"""Hoax matching (issue 19): acts against claims that fact-checkers rated false.

``encoder`` turns claims (``passage:``) and acts (``query:``) into e5-small vectors; ``index`` finds
the most similar claims (exact numpy search); ``cues`` and ``matcher`` decide whether the act
repeats the claim, debunks it or asks about it; ``evaluate`` measures that on the labelled pairs
in ``models/data/hoax/`` and chooses the rules on their validation split. Like all of ``models``,
nothing here reads Netra's settings or database: the service passes claims and vectors in
(``monitor.hoax``).
"""

from models.hoax.matcher import Claim, ClaimMatch, HoaxMatcher, HoaxResult, HoaxRules

__all__ = ["Claim", "ClaimMatch", "HoaxMatcher", "HoaxResult", "HoaxRules"]
