"""Hoax matching (issue 19): acts against claims that fact-checkers rated false.

``encoder`` turns claims (``passage:``) and acts (``query:``) into e5-small vectors; ``wording`` and
``reading`` say which words of a claim and of an act are compared; ``index`` finds the most similar
claims (exact numpy search); ``scorer`` (trained by ``train``) says whether the act carries one of
them, and ``cues`` and ``matcher`` whether it repeats the claim, debunks it or asks about it;
``evaluate`` measures that on the labelled pairs in ``models/data/hoax*/``. Like all of ``models``,
nothing here reads Netra's settings or database: the service passes claims and vectors in
(``monitor.hoax``).
"""

from models.hoax.matcher import Claim, ClaimMatch, HoaxMatcher, HoaxResult, HoaxRules

__all__ = ["Claim", "ClaimMatch", "HoaxMatcher", "HoaxResult", "HoaxRules"]
