"""Claims that fact-checkers reviewed, read from schema.org ``ClaimReview`` JSON-LD or a team's CSV.

One parser for every way claims reach Netra: ``netra hoax import FILE`` (a JSON-LD object, a list
of them, JSON lines, or a CSV with the columns ``klaim, rating, url, tanggal, sumber``), the
fact-check feed spider (the JSON-LD in each article page) and ``netra classify --claims FILE``.
A record that cannot be read is named with its file and line (``file:line: reason``); the
others are still read. Nothing here touches the database or imports Scrapy.

The fact-checker's rating is kept as published ("Salah", "Hoaks", "Menyesatkan") and read into a
verdict (:data:`monitor.db.schema.CLAIM_VERDICTS`): only ``false`` and ``misleading`` claims are
matched against acts, so a claim rated "Benar" is never a hoax.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from monitor.db.schema import CLAIM_VERDICTS

CSV_COLUMNS = ("klaim", "rating", "url", "tanggal", "sumber")
CSV_REQUIRED = ("klaim", "rating", "url")
MATCHED_VERDICTS = ("false", "misleading")
MAX_CLAIM_CHARS = 4000
MAX_RATING_CHARS = 255

# Published ratings → verdict, tried in this order: a partial or contextual rating names "salah" or "benar"
# too ("Konteks yang Salah", "Sebagian Benar"), so those come first. Indonesian fact-checkers' labels
# (Mafindo/turnbackhoax, Tempo, Kompas, Liputan6, Kominfo) and the English ones of IFCN members.
_RATING_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("unrated", re.compile(r"\b(tidak terbukti|belum terbukti|unproven|klarifikasi|tanpa rating|not rated|"
                           r"unrated)\b")),
    ("mixed", re.compile(r"\b(sebagian|partly|partially|half|mixture|campuran|mostly|sebagian besar)\b")),
    # Satire is one of the seven kinds of mis- and disinformation fact-checkers label (Mafindo): passed on as
    # fact, it misleads.
    ("misleading", re.compile(r"\b(satire|satir|parodi|parody|menyesatkan|sesat|misleading|misinformasi|"
                              r"misinformation|konteks (yang )?"
                              r"(salah|keliru)|keliru konteks|out of context|missing context|dimanipulasi|"
                              r"manipulasi|manipulated|koneksi (yang )?salah|false connection|"
                              r"konten tiruan|imposter|exaggerat\w*|berlebihan)\b")),
    ("false", re.compile(r"\b(salah|hoaks|hoax|keliru|palsu|bohong|disinformasi|disinformation|fitnah|penipuan|"
                         r"false|fake|fabricated|pants on fire|incorrect|tidak benar|bukan fakta|konten palsu|"
                         r"scam)\b")),
    ("true", re.compile(r"\b(benar|fakta|true|correct|akurat|accurate|sahih)\b")),
)


class ClaimFormatError(ValueError):
    """One record is not a readable claim; the message says why (the caller adds file and line)."""


@dataclass(frozen=True)
class ClaimRecord:
    """One reviewed claim as Netra keeps it (``monitor.db.schema.ClaimReview``)."""

    claim: str
    rating: str
    verdict: str
    url: str
    reviewed_on: date | None = None
    publisher: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """The claim's identity: its debunk URL and its text (whitespace runs count as one space)."""
        return claim_key(self.url, self.claim)

    @property
    def matched(self) -> bool:
        """Whether acts are matched against it: the fact-checker rated it false or misleading."""
        return self.verdict in MATCHED_VERDICTS


@dataclass
class ParsedClaims:
    """What a file held: its readable claims (with their line) and a ``file:line: reason`` per unreadable one."""

    records: list[tuple[int, ClaimRecord]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def claim_key(url: str, claim: str) -> str:
    return hashlib.sha256(f"{url.strip()}\n{' '.join(claim.split())}".encode()).hexdigest()


def verdict_of(rating: str, value: Any = None, best: Any = None, worst: Any = None) -> str:
    """The verdict a published rating says (one of CLAIM_VERDICTS); a numeric rating is read on its scale."""
    text = " ".join(rating.lower().replace("_", " ").split())
    text = re.sub(r"[\[\]()]", " ", text)
    for verdict, pattern in _RATING_RULES:
        if pattern.search(text):
            return verdict
    number, high, low = _number(value), _number(best), _number(worst)
    if number is not None:
        high = 5.0 if high is None else high
        low = 1.0 if low is None else low
        if number <= low:
            return "false"
        if number >= high:
            return "true"
        return "mixed"
    return "unrated"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    """A string field, or the ``name``/``text`` of a schema.org thing, or the first of a list."""
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("text"))
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    return None


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {str(n).rsplit("/", 1)[-1] for n in names if isinstance(n, str)}


def _http_url(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def parse_date(raw: Any) -> date | None:
    """ISO dates and date-times, and the day-first dates Indonesian spreadsheets write (31/12/2029)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise ClaimFormatError(f"date {raw!r} is not text")
    text = raw.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ClaimFormatError(f"date {text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _checked(claim: str | None, rating: str | None, url: str | None, verdict: str | None = None,
             **rest: Any) -> ClaimRecord:
    if not claim:
        raise ClaimFormatError("no claim text (claimReviewed / klaim)")
    if len(claim) > MAX_CLAIM_CHARS:
        raise ClaimFormatError(f"claim text longer than {MAX_CLAIM_CHARS} characters")
    if not rating:
        raise ClaimFormatError("no rating (reviewRating.alternateName / rating)")
    if len(rating) > MAX_RATING_CHARS:
        raise ClaimFormatError(f"rating longer than {MAX_RATING_CHARS} characters")
    if not url:
        raise ClaimFormatError("no http(s) URL of the fact-check article (url)")
    verdict = verdict or verdict_of(rating)
    assert verdict in CLAIM_VERDICTS
    return ClaimRecord(claim=claim, rating=rating, verdict=verdict, url=url, **rest)


def claim_from_review(node: dict[str, Any], page_url: str | None = None) -> ClaimRecord:
    """A ``ClaimReview`` node as a record; ``page_url`` is the article it was found in (its url by default)."""
    item = node.get("itemReviewed") if isinstance(node.get("itemReviewed"), dict) else {}
    claim = _text(node.get("claimReviewed")) or _text(item)
    rating_node = node.get("reviewRating")
    if isinstance(rating_node, list):
        rating_node = next((r for r in rating_node if isinstance(r, dict)), None)
    rating = value = best = worst = None
    if isinstance(rating_node, dict):
        rating = _text(rating_node.get("alternateName")) or _text(rating_node.get("name"))
        value, best, worst = rating_node.get("ratingValue"), rating_node.get("bestRating"), rating_node.get(
            "worstRating")
        if rating is None and _number(value) is not None:
            rating = f"{value}/{best if best is not None else 5}"
    elif isinstance(rating_node, str):
        rating = _text(rating_node)
    url = _http_url(node.get("url")) or _http_url(node.get("@id")) or page_url
    verdict = verdict_of(rating, value, best, worst) if rating else None
    publisher = _text(node.get("author")) or _text(node.get("publisher"))
    return _checked(claim, rating, url, verdict, reviewed_on=parse_date(node.get("datePublished")),
                    publisher=publisher, raw=node)


def claim_from_factcheck_api(record: dict[str, Any]) -> list[ClaimRecord]:
    """A claim of Google's Fact Check Tools API (``{"text", "claimReview": [...]}``): one record per review."""
    reviews = record.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        raise ClaimFormatError("claimReview is not a non-empty list")
    out = []
    for review in reviews:
        if not isinstance(review, dict):
            raise ClaimFormatError("claimReview holds something that is not an object")
        rating = _text(review.get("textualRating"))
        out.append(_checked(_text(record.get("text")), rating, _http_url(review.get("url")),
                            reviewed_on=parse_date(review.get("reviewDate")), publisher=_text(review.get("publisher")),
                            raw={**record, "claimReview": [review]}))
    return out


def review_nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every ``ClaimReview`` object in a JSON-LD document: top level, in ``@graph``, or nested in another thing."""
    if isinstance(value, list):
        for item in value:
            yield from review_nodes(item)
    elif isinstance(value, dict):
        if "ClaimReview" in _types(value):
            yield value
            return
        for key, child in value.items():
            if key != "@context":
                yield from review_nodes(child)


def claims_in_object(obj: Any, page_url: str | None = None) -> list[ClaimRecord]:
    """The claims of one JSON value; raises ClaimFormatError when it holds none, or one that cannot be read."""
    if isinstance(obj, dict) and "claimReview" in obj and "text" in obj:
        return claim_from_factcheck_api(obj)
    nodes = list(review_nodes(obj))
    if not nodes:
        raise ClaimFormatError("no ClaimReview object (\"@type\": \"ClaimReview\")")
    return [claim_from_review(node, page_url) for node in nodes]


def claims_in_html(html: str, page_url: str) -> tuple[list[ClaimRecord], list[str]]:
    """The ClaimReview records of an article page's JSON-LD scripts, and why any script could not be read."""
    import lxml.html

    records: list[ClaimRecord] = []
    problems: list[str] = []
    try:
        root = lxml.html.document_fromstring(html)
    except Exception as exc:  # noqa: BLE001 — lxml raises several types for an unusable page
        return [], [f"not an HTML page: {exc}"]
    for index, script in enumerate(root.xpath('//script[@type="application/ld+json"]'), 1):
        body = (script.text or "").strip()
        if not body:
            continue
        try:
            document = json.loads(body)
        except json.JSONDecodeError as exc:
            problems.append(f"JSON-LD script {index}: invalid JSON ({exc.msg} at line {exc.lineno})")
            continue
        for node in review_nodes(document):
            try:
                records.append(claim_from_review(node, page_url))
            except ClaimFormatError as exc:
                problems.append(f"JSON-LD script {index}: {exc}")
    return records, problems


# ------------------------------------------------------------------ files


def read_claims_file(path: Path) -> ParsedClaims:
    """Every claim in a JSON-LD (object, list or JSON lines) or CSV file; each bad record named with its line."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ParsedClaims(errors=[f"{name}: cannot read ({exc.strerror or exc})"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ParsedClaims(errors=[f"{name}:{line}: not UTF-8 ({exc.reason} at byte {exc.start})"])
    stripped = text.lstrip()
    if path.suffix.lower() == ".csv" or (stripped and stripped[0] not in "[{"):
        return _read_csv(text, name)
    return _read_json(text, name)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _add(parsed: ParsedClaims, name: str, line: int, obj: Any) -> None:
    try:
        parsed.records.extend((line, record) for record in claims_in_object(obj))
    except ClaimFormatError as exc:
        parsed.errors.append(f"{name}:{line}: {exc}")


def _read_json(text: str, name: str) -> ParsedClaims:
    parsed = ParsedClaims()
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] == "[":
        # A list: its elements one by one, so each bad one is named with the line it starts on.
        pos = start + 1
        while True:
            pos = _skip(text, pos)
            if pos >= len(text):
                parsed.errors.append(f"{name}:{_line_at(text, pos)}: invalid JSON (the list is not closed)")
                return parsed
            if text[pos] == "]":
                break
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                parsed.errors.append(f"{name}:{exc.lineno}: invalid JSON ({exc.msg} at column {exc.colno})")
                return parsed  # nothing after a broken element can be placed reliably
            _add(parsed, name, _line_at(text, pos), obj)
            pos = _skip(text, end)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos < len(text) and text[pos] != "]":
                parsed.errors.append(f"{name}:{_line_at(text, pos)}: invalid JSON (',' or ']' expected)")
                return parsed
        if text[pos + 1:].strip():
            parsed.errors.append(f"{name}:{_line_at(text, pos + 1)}: invalid JSON (text after the list)")
        return parsed
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        _add(parsed, name, _line_at(text, start), whole)
        return parsed
    # JSON lines: one object per line, each read on its own.
    first = True
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            if first:
                # Not one object per line either: a single document broken somewhere. Name where.
                try:
                    json.loads(text)
                except json.JSONDecodeError as doc_exc:
                    parsed.errors.append(f"{name}:{doc_exc.lineno}: invalid JSON ({doc_exc.msg} at column "
                                         f"{doc_exc.colno})")
                    return parsed
            parsed.errors.append(f"{name}:{lineno}: invalid JSON ({exc.msg} at column {exc.colno})")
            first = False
            continue
        first = False
        if not isinstance(obj, dict):
            parsed.errors.append(f"{name}:{lineno}: expected a JSON object")
            continue
        _add(parsed, name, lineno, obj)
    return parsed


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _read_csv(text: str, name: str) -> ParsedClaims:
    parsed = ParsedClaims()
    header_line = text.splitlines()[0] if text else ""
    # Spreadsheets with Indonesian regional settings write ';'.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        parsed.errors.append(f"{name}:1: empty file (expected the columns {', '.join(CSV_COLUMNS)})")
        return parsed
    except csv.Error as exc:
        parsed.errors.append(f"{name}:1: unreadable CSV ({exc})")
        return parsed
    columns = [h.strip().lower() for h in header]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        parsed.errors.append(f"{name}:1: missing column(s) {', '.join(missing)} (expected {', '.join(CSV_COLUMNS)})")
        return parsed
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.errors.append(f"{name}:{start}: unreadable CSV ({exc})")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            parsed.errors.append(f"{name}:{start}: {len(row)} fields, the header has {len(columns)}")
            continue
        values = {c: (row[i].strip() if i < len(row) else "") for i, c in enumerate(columns)}
        try:
            url = values.get("url") or ""
            if url and not _http_url(url):
                raise ClaimFormatError(f"url {url!r} is not an http(s) URL")
            record = _checked(" ".join(values.get("klaim", "").split()) or None, values.get("rating") or None,
                              url or None, reviewed_on=parse_date(values.get("tanggal")),
                              publisher=values.get("sumber") or None, raw={c: values.get(c, "") for c in columns})
        except ClaimFormatError as exc:
            parsed.errors.append(f"{name}:{start}: {exc}")
            continue
        parsed.records.append((start, record))
    return parsed
