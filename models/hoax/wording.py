"""The words of a claim that acts are matched against."""

from __future__ import annotations

import re

# A fact-checker's note closing the claim in brackets ("… (video itu rekaman tahun 2017)", "(Tidak ada pemotongan;
# pagu dana desa …)") states the facts, not the hoax: an act stating those facts must not match the claim by them.
_CLOSING_NOTE = re.compile(r"\s*\((?:[^()]|\([^()]*\)){15,}\)\s*\.?\s*$")
# The form of the claim text that vectors are made of; cached vectors of another form are encoded again.
CLAIM_FORM = "c2"


def matching_text(claim: str) -> str:
    """The claim as it circulated: without a closing note in brackets (kept when the claim is nothing else)."""
    text = " ".join(claim.split())
    stripped = _CLOSING_NOTE.sub("", text)
    return stripped if len(stripped) >= 15 else text


def vector_version(encoder_version: str) -> str:
    """What a cached claim vector is labelled with: the encoder's version and the claim text's form."""
    return f"{encoder_version}+{CLAIM_FORM}"
