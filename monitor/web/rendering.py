"""Templates, the filters they use, and the words of error pages.

Captured content is hostile input: Jinja2 autoescaping is on for every page,
and :func:`highlight` escapes each piece of text itself before wrapping cues in
``<mark>``, so no captured HTML is ever rendered.

Every text the code puts on a page comes from the message catalogue (``monitor.i18n``):
templates call ``_("…")`` and ``label("context", code)`` (or ``code | label("context")``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from models.photos.labels import GESTURE_LABELS_ID
from monitor.access.scoping import can
from monitor.config import get_settings
from monitor.db.vocabulary import (
    CLAUSES,
    FOUR_EYES_LABELS,
    KIND_LABELS,
    NOT_BREACH_REASONS,
    REGISTER_LABELS,
    ROLE_LABELS,
    STANCE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    VIOLATION_TYPES,
    VIOLATIONS,
    default_clauses,
    parse_clauses,
)
from monitor.i18n import _, label
from monitor.web.csrf import csrf_token
from reports.labels import (  # one translation of classifier cues, platforms, sources for pages and reports
    cue_label,
    platform_label,
    source_label,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def cue_spans(text: str, cues: list[Any]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the cues in ``text``, case-insensitive, longest cue first.

    A cue written as ``kind:value`` (e.g. ``alias:Pak Tris``) is looked for by its value.
    """
    needles: set[str] = set()
    for cue in cues or []:
        if not isinstance(cue, str) or not cue.strip():
            continue
        needles.add(cue.strip())
        if ":" in cue:
            needles.add(cue.split(":", 1)[1].strip())
    taken: list[tuple[int, int]] = []
    for needle in sorted((n for n in needles if n), key=len, reverse=True):
        for match in re.finditer(re.escape(needle), text, flags=re.IGNORECASE):
            start, end = match.span()
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
    return sorted(taken)


def highlight(text: str | None, cues: list[Any] | None) -> Markup:
    """``text`` escaped, with the classifier's cues wrapped in ``<mark>``."""
    text = text or ""
    out: list[str] = []
    pos = 0
    for start, end in cue_spans(text, cues or []):
        out.append(str(escape(text[pos:start])))
        out.append(f'<mark class="cue">{escape(text[start:end])}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


_WEB_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)


def web_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) link, else None: only those become clickable.

    Captured links are hostile: ``javascript:``, ``data:`` and friends must stay text (the CSP is
    the second line of defence, not the first). Browsers drop tabs and newlines inside a scheme
    and leading blanks, so anything but a clean ``http(s)://host`` start is refused.
    """
    if not isinstance(url, str) or not _WEB_URL.match(url) or any(ord(ch) < 0x21 or ch == "\x7f" for ch in url):
        return None
    return url


def local_time(moment: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if moment is None:
        return "—"
    tz = ZoneInfo(get_settings().timezone)
    suffix = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(str(tz), str(tz))
    return f"{moment.astimezone(tz).strftime(fmt)} {suffix}"


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in the largest whole unit (the queue's age column): "3 hari", "5 jam", "12 menit"."""
    if moment is None:
        return "—"
    seconds = max(0, int(((now or datetime.now(moment.tzinfo)) - moment).total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} hari"
    if seconds >= 3600:
        return f"{seconds // 3600} jam"
    return f"{seconds // 60} menit"


def query(params: dict[str, str], **changes: Any) -> str:
    merged = {**params, **{k: str(v) for k, v in changes.items() if v is not None}}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
    return urlencode(merged)


templates.env.globals.update(
    csrf_token=csrf_token,
    can=can,
    CLAUSES=CLAUSES,
    FOUR_EYES_LABELS=FOUR_EYES_LABELS,
    KIND_LABELS=KIND_LABELS,
    NOT_BREACH_REASONS=NOT_BREACH_REASONS,
    REGISTER_LABELS=REGISTER_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    STANCE_LABELS=STANCE_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    VERDICT_LABELS=VERDICT_LABELS,
    VIOLATION_TYPES=VIOLATION_TYPES,
    VIOLATIONS=VIOLATIONS,
    DEFAULT_CLAUSES={v.code: list(default_clauses(v.code)) for v in VIOLATION_TYPES},
    GESTURE_LABELS=GESTURE_LABELS_ID,
    parse_clauses=parse_clauses,
    query=query,
    _=_,
    label=label,
)
templates.env.filters["highlight"] = highlight
templates.env.filters["local_time"] = local_time
templates.env.filters["age"] = age
templates.env.filters["web_url"] = web_url
templates.env.filters["cue_label"] = cue_label
templates.env.filters["platform_label"] = platform_label
templates.env.filters["source_label"] = source_label
templates.env.filters["label"] = lambda code, context: label(context, code)  # {{ it.status | label("review_status") }}


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    ctx = {"user": getattr(request.state, "user", None), "flash": request.session.pop("flash", None)}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def safe_next(target: str | None, default: str = "/queue") -> str:
    """Only same-site paths are followed after sign-in or a form (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


# Errors whose detail the app words itself (403 "not your agency", 409 "evidence changed"...); other statuses, and
# Starlette's English reason phrases, get the catalogue's message for the status.
OWN_DETAIL = (400, 403, 409, 429)


def error_message(status: int) -> str:
    messages = {404: _("Page or item not found."), 405: _("Method not allowed."), 403: _("You are not authorised."),
                409: _("The data no longer matches its record."), 410: _("No longer available."),
                413: _("Request too large."), 429: _("Too many attempts."), 400: _("Invalid request.")}
    return messages.get(status, _("Error."))


def invalid_request(errors: Sequence[Any]) -> str:
    """A request FastAPI refused (a query or form value of the wrong type or range), naming the field in Indonesian.

    pydantic's own messages are English ("Input should be greater than or equal to 1"): only its error type is used.
    """
    first = errors[0] if errors else {}
    loc = [str(part) for part in first.get("loc", ())] if isinstance(first, dict) else []
    if len(loc) < 2:
        return _("Invalid request.")
    problem = label("validation", first.get("type", ""), default=_("invalid value"))
    return _("Invalid request — {field}: {problem}.", field=label("field", loc[1]), problem=problem)


def field_problem(exc: Exception) -> str:
    """A service error reading ``field: reason`` (QueueError, audit filters) with the field's label for people."""
    field, sep, problem = str(exc).partition(": ")
    if sep and field.isidentifier():
        return f"{label('field', field)}: {problem}"
    return str(exc)


def filter_refused(exc: Exception) -> str:
    """The error page's message for filters that cannot be read (the queue, exports, the audit log)."""
    return _("Invalid filter — {problem}", problem=field_problem(exc))
