"""The one message catalogue: everything people read that the code writes, in Bahasa Indonesia.

The source is ``locale/id/LC_MESSAGES/netra.po`` (gettext, read with Babel when first asked: no
compiled ``.mo`` to fall out of step with it). Two kinds of entries:

* messages: ``msgid`` is the English source text the code passes to :func:`gettext` (``_``),
  placeholders in ``{braces}`` filled by keyword (``_("At most {n} links", n=20)``);
* labels of stored codes: ``msgctxt`` names the vocabulary (``verdict``, ``audit_action``,
  ``export_column`` …), ``msgid`` is the code, ``msgstr`` what people read (:func:`label`, :func:`labels`).

Codes stay the machine form in the database, the JSON API and the machine exports; pages, web
downloads for people, reports and dossiers show these texts. This module stands on nothing of
Netra (it is ground, like ``monitor.db``), so the vocabulary, reports and the web app all read it.
docs/review-web-app.md says how to add a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

LOCALE = "id"
DOMAIN = "netra"
CATALOGUE_PATH = Path(__file__).resolve().parent / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"

Key = tuple[str | None, str]  # (msgctxt, msgid)


@cache
def catalogue() -> dict[Key, str]:
    """Every translated entry of the catalogue, by (context, msgid); fuzzy and empty ones are left out."""
    from babel.messages.pofile import read_po  # Babel only when the first text is asked for

    with CATALOGUE_PATH.open("rb") as fh:
        parsed = read_po(fh, locale=LOCALE, domain=DOMAIN)
    return {(m.context, m.id): m.string for m in parsed
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}


def gettext(msgid: str, /, **params: object) -> str:
    """The Indonesian text of ``msgid`` (the English source text itself if the catalogue lacks it).

    ``params`` fill the ``{name}`` placeholders after translation, so a value is never looked up.
    """
    text = catalogue().get((None, msgid), msgid)
    return text.format(**params) if params else text


_ = gettext


def label(context: str, code: object, default: str | None = None) -> str:
    """What people read for the stored ``code`` of vocabulary ``context`` (``label("verdict", "eskalasi")``).

    An unknown code gives ``default``, else the code itself (a code newer than the catalogue stays visible).
    """
    key = "" if code is None else str(code)
    found = catalogue().get((context, key))
    if found is not None:
        return found
    return default if default is not None else key


def labels(context: str, codes: Iterable[str] | None = None) -> dict[str, str]:
    """The labels of ``codes`` (every code of ``context``, in catalogue order, when None).

    Naming codes makes the catalogue complete for them: a code without a label raises KeyError at import.
    """
    entries = catalogue()
    if codes is None:
        return {msgid: text for (ctx, msgid), text in entries.items() if ctx == context}
    missing = [c for c in codes if (context, c) not in entries]
    if missing:
        raise KeyError(f"{CATALOGUE_PATH.name}: no label in context {context!r} for {', '.join(missing)}")
    return {c: entries[(context, c)] for c in codes}
