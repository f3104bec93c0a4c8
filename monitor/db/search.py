"""Full-text search over acts' text: turning what a user typed into safe terms, and matching one term.

The index itself is made by migration 0015_queue_search: on PostgreSQL a GIN index on the act's
``to_tsvector('netra_search', …)`` (``simple`` plus ``unaccent`` where available: PostgreSQL has no
Indonesian stemmer), on SQLite the FTS5 table ``activity_fts`` (``unicode61``, diacritics removed), kept
in step by the database itself, so no write path can leave an act out.

User input never reaches either query language as syntax: it is cut into words of letters and digits,
and each word is matched as a prefix ("kampa" finds "kampanye").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal, literal_column, select, table

from monitor.db.schema import Activity

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 64
# Letters and digits only: quotes, operators, ``*``, ``:``, ``-`` and ``_`` are separators, never syntax.
_WORD = re.compile(r"[^\W_]+")
# A NIP typed with its usual gaps ("19850312 201001 1 001") is one number, not four.
_DIGITS_ONLY = re.compile(r"[\d\s.\-/]+")

PG_CONFIG = "netra_search"
PG_INDEX = "ix_activity_search"
# PostgreSQL keeps the tsvector to 1 MB: each part is cut before indexing (the migration does the same).
PG_PART_CHARS = 50000
SQLITE_FTS_TABLE = "activity_fts"
# FTS5 keeps its index in these tables of its own, next to the virtual table.
_SQLITE_FTS_SHADOWS = tuple(f"{SQLITE_FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))


def search_terms(query: str | None) -> tuple[str, ...]:
    """The words of ``query``, lower case, at most :data:`MAX_TERMS`, each unique; never raises."""
    if not query:
        return ()
    text = unicodedata.normalize("NFKC", query[:MAX_QUERY_CHARS])
    if _DIGITS_ONLY.fullmatch(text) and any(ch.isdigit() for ch in text):
        return ("".join(ch for ch in text if ch.isdigit())[:MAX_TERM_CHARS],)
    terms: list[str] = []
    for match in _WORD.finditer(text):
        term = match.group().lower()[:MAX_TERM_CHARS]
        if term not in terms:
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return tuple(terms)


def index_words(text: str) -> tuple[str, ...]:
    """Every word of ``text`` as a term :func:`text_match` takes (lower case, cut), once each, in order.

    Unlike :func:`search_terms` nothing is joined (digits apart stay apart) and there is no limit: this
    reads stored words, not what a user typed.
    """
    return tuple(dict.fromkeys(m.group().lower()[:MAX_TERM_CHARS] for m in _WORD.finditer(text)))


def pg_document(act: Any) -> ColumnElement[Any]:
    """The indexed tsvector of ``act`` (the activity table or an alias of it), exactly as the index has it.

    Written with literal constants, not bound parameters: the planner only uses the index for the very
    expression it was built on.
    """
    def part(column: Any) -> Any:
        return literal_column(f"left(coalesce({column}, ''), {PG_PART_CHARS})")

    # ``text`` is also an SQL type name: the columns are always named with their table.
    own = part(f'"{act.name}".text')
    context = part(f'"{act.name}".context_text')
    return literal_column(f"to_tsvector('{PG_CONFIG}'::regconfig, {own} || ' ' || {context})")


def text_match(term: str, dialect: str) -> Select[tuple[int]]:
    """``SELECT id`` of the acts whose text has a word starting with ``term`` (one of :func:`search_terms`)."""
    return text_match_all((term,), dialect)


def text_match_all(terms: Sequence[str], dialect: str, act_id: int | None = None) -> Select[tuple[int]]:
    """``SELECT id`` of the acts whose text has, for every one of ``terms``, a word starting with it.

    With ``act_id``: of that act alone, which asks whether one act matches without reading the other hits.
    """
    if not terms or not all(_WORD.fullmatch(term) for term in terms):
        raise ValueError(f"not search terms: {terms!r}")
    if dialect == "postgresql":
        act = Activity.__table__.alias("search_act")
        tsquery = func.to_tsquery(literal_column(f"'{PG_CONFIG}'::regconfig"),
                                  literal(" & ".join(f"'{term}':*" for term in terms)))
        query = select(act.c.id).where(pg_document(act).op("@@")(tsquery))
        return (query if act_id is None else query.where(act.c.id == act_id)).correlate(None)
    if dialect == "sqlite":
        fts = table(SQLITE_FTS_TABLE, column("rowid"))
        # Quoted FTS5 strings followed by * : prefix queries whose text is never read as syntax.
        match = literal_column(SQLITE_FTS_TABLE).op("MATCH")(literal(" AND ".join(f'"{term}"*' for term in terms)))
        query = select(fts.c.rowid.label("id")).where(match)
        return (query if act_id is None else query.where(fts.c.rowid == act_id)).correlate(None)
    raise ValueError(f"full-text search is not set up for {dialect}")


def outside_orm(name: str | None, type_: str) -> bool:
    """Whether a database object is one of the search index's, made by the migration and not in the ORM."""
    if type_ == "table":
        return name == SQLITE_FTS_TABLE or name in _SQLITE_FTS_SHADOWS
    if type_ == "index":
        return name == PG_INDEX
    return False
