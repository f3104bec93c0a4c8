"""What readers see instead of codes: Indonesian labels for everything a report or page prints.

The stored codes (``campaign_account_interaction``, ``ikrar-2``, ``not_found``, classifier cues
such as ``context:hashtag:#…``) stay the machine form in CSV files and the database; a PDF, an
XLSX sheet or a web page shows these labels. Every text comes from the one message catalogue
(``monitor.i18n``, ground like ``monitor.db``): the long violation and clause texts through
``monitor.db.vocabulary``, and here the short forms charts and narrow table columns need, and the
labels of cues, platforms, sources and account states. ``reports`` may import nothing of ``monitor``
above that ground, so the web app imports :func:`cue_label` from here.
"""

from __future__ import annotations

from typing import Any

from monitor.db.schema import ACCOUNT_STATES
from monitor.db.vocabulary import CLAUSES, KIND_LABELS, VERDICT_LABELS, VIOLATIONS
from monitor.i18n import labels

# A chart's bar or a table column has room for a few words; the full text stays in the tables.
VIOLATION_SHORT_LABELS: dict[str, str] = labels("violation_short", VIOLATIONS)
CLAUSE_SHORT_LABELS: dict[str, str] = labels("clause_short", CLAUSES)
NO_CLAUSE = "(tanpa butir ikrar)"

ACCOUNT_STATE_LABELS: dict[str, str] = labels("account_state", ACCOUNT_STATES)
PERIOD_CUE_LABELS: dict[str, str] = labels("period_cue", ("campaign", "election_season", "other", "unknown"))


def violation_label(code: str | None) -> str:
    if not code:
        return "—"
    return VIOLATIONS[code].label if code in VIOLATIONS else f"bentuk tidak dikenal ({code})"


def violation_short(code: str | None) -> str:
    if not code:
        return "—"
    return VIOLATION_SHORT_LABELS.get(code) or violation_label(code)


def clause_label(code: str) -> str:
    """``ikrar-2`` → ``Butir 2: Menghindari konflik kepentingan, …`` (the pledge's own words)."""
    if code in CLAUSES:
        return f"Butir {code.removeprefix('ikrar-')}: {CLAUSES[code]}"
    return NO_CLAUSE if code == NO_CLAUSE else f"butir tidak dikenal ({code})"


def clause_short(code: str) -> str:
    return CLAUSE_SHORT_LABELS.get(code) or clause_label(code)


def clauses_inline(codes: tuple[str, ...] | list[str]) -> str:
    """``("ikrar-2", "ikrar-3")`` → ``butir 2, 3`` for a narrow table cell."""
    numbers = [c.removeprefix("ikrar-") if c in CLAUSES else c for c in codes]
    return f"butir {', '.join(numbers)}" if numbers else "—"


def verdict_label(code: str | None) -> str:
    return VERDICT_LABELS.get(code or "", code or "belum diputus")


def kind_label(code: str) -> str:
    return KIND_LABELS.get(code, code)


def platform_label(code: str) -> str:
    """``x`` → ``X (Twitter)``, from the platform table (imported when asked: it is a light module)."""
    from spiders.platforms import PLATFORMS

    entry = PLATFORMS.get(code)
    return entry.label if entry is not None else code


def state_label(code: str) -> str:
    return ACCOUNT_STATE_LABELS.get(code, code)


def source_label(source: str) -> str:
    """Where an act came from: ``crawl:bluesky`` → ``perayapan Bluesky``, ``import:x-archive`` → ``ekspor mandiri``."""
    kind, _, rest = source.partition(":")
    if kind == "crawl":
        return f"perayapan {platform_label(rest)}" if rest else "perayapan"
    if kind in ("import", "self_audit", "export"):
        return "ekspor mandiri" + (f" ({rest})" if rest else "")
    return source


def cue_label(cue: Any, candidates: dict[str, str] | None = None) -> str:
    """A classifier cue as people read it: the coded cues in Bahasa Indonesia, words as they are.

    The codes (``gesture:two@0.89``, ``period:campaign``, ``context:hashtag:#…``) stay the machine
    form in exports; pages and reports show them translated. ``candidates`` (id → label) names the
    candidate a gesture number points to.
    """
    from models.photos.labels import GESTURE_LABELS_ID

    cue = str(cue)
    names = candidates or {}
    kind, _, rest = cue.partition(":")
    if kind == "gesture" and "@" in rest:
        gesture, _, confidence = rest.partition("@")
        return f"gestur {GESTURE_LABELS_ID.get(gesture, gesture)} {confidence}"
    if kind == "gesture_number":
        number, _, target = rest.partition("->")
        if target:
            return f"nomor gestur {number} = {names.get(target, target)}"
        return f"nomor gestur {number}, bukan nomor calon mana pun"
    if kind == "gesture_mismatch":
        return f"nomor gestur menunjuk calon lain ({names.get(rest, rest)})"
    if cue == "context:watched_account":
        return "konteks: akun calon/tim pemenangan yang dipantau"
    if kind == "context" and rest.startswith("hashtag:"):
        return f"konteks: tagar kampanye {rest.removeprefix('hashtag:')}"
    if kind == "period" and rest in PERIOD_CUE_LABELS:
        return PERIOD_CUE_LABELS[rest]
    return cue
