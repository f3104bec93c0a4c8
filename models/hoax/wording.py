"""The words of a claim that acts are matched against."""

from __future__ import annotations

import re
from functools import lru_cache

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


# Where a claim's clauses part: a sentence's end, a semicolon or colon, a comma, and before a conjunction that opens a
# clause of its own (a cause, a purpose, a condition, a consequence).
_CLAUSE_BREAK = re.compile(r"(?<=[.!?;:])\s+|,\s+|\s+(?=(?:karena|sehingga|sebab|agar|supaya|dan|jika|kalau|asalkan|"
                           r"untuk|tetapi|tapi|namun|lalu|bahkan)\b)", re.IGNORECASE)
CLAUSE_WORDS = 3


@lru_cache(maxsize=32768)
def claim_clauses(claim: str) -> tuple[str, ...]:
    """The clauses of the claim as it circulated (``matching_text``), each of at least three words; a shorter piece
    joins the clause before it. A partial repetition carries one of them ("tanggal 16 sudah 15 ribu" of "harga BBM
    naik menjadi Rp15.000 per liter sehari setelah pencoblosan"), and its share of the whole claim's words is small."""
    clauses: list[str] = []
    for piece in _CLAUSE_BREAK.split(matching_text(claim)):
        piece = piece.strip(" ,.;:")
        if not piece:
            continue
        if clauses and len(piece.split()) < CLAUSE_WORDS:
            clauses[-1] = f"{clauses[-1]} {piece}"
        else:
            clauses.append(piece)
    return tuple(clauses) or (matching_text(claim),)


def vector_version(encoder_version: str) -> str:
    """What a cached claim vector is labelled with: the encoder's version and the claim text's form."""
    return f"{encoder_version}+{CLAIM_FORM}"
