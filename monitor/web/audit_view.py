"""The audit log as people read it: actions, objects and details in Bahasa Indonesia, without server paths.

The stored entry keeps its codes and every detail (the database is the record); the page and the CSV an
admin downloads show what each code means. Server paths and technical error lines (English, from the
operating system or a library) stay in the database and the server's log: they tell an admin nothing
the action and reason do not, and a path on a page tells an outsider where files live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.db.schema import AuditLog
from monitor.i18n import _, label
from reports.labels import platform_label

HIDDEN = frozenset({"path", "error", "upload_dir"})
# Detail values that are codes, and how each reads (by the key they stand under).
CODED: dict[str, Callable[[str], str]] = {
    "verdict": lambda v: label("verdict", v),
    "four_eyes": lambda v: label("four_eyes", v),
    "violation_code": lambda v: label("violation_short", v),
    "reason": lambda v: label("audit_reason", v, default=v),
    "run_status": lambda v: label("run_status", v),
    "kind": lambda v: label("report_kind", v, default=label("act_kind", v)),
    "platform": platform_label,
    "importer": lambda v: label("importer", v),
    "action": lambda v: label("audit_action", v),
    "sort": lambda v: label("sort", v),
    "register": lambda v: label("register", v),
    "format": str.upper,
    "via": str.upper,
    "refused": lambda v: label("field", v),  # bulk_decide: [item id, the form field that refused it]
}
# Details that list [item id, why] pairs (bulk_decide's skipped and refused items): read as "#7 (why)".
ITEM_PAIRS = frozenset({"skipped", "refused"})
# Inside "filters" (the queue's), status and kind are the queue's own.
FILTER_CODED: dict[str, Callable[[str], str]] = {
    **CODED,
    "status": lambda v: _("all") if v == "all" else label("review_status", v),
    "kind": lambda v: label("act_kind", v),
    "assignee": lambda v: _("unassigned") if v == "none" else v,
}
LIST_SHOWN = 10


def action_label(action: str) -> str:
    return label("audit_action", action, default=action.replace("_", " "))


def object_label(entry: AuditLog) -> str:
    """``review_item 7`` → ``item #7``: the object's kind in words, then its id (if any)."""
    if not entry.object_type:
        return "—"
    kind = label("audit_object", entry.object_type, default=entry.object_type.replace("_", " "))
    return f"{kind} #{entry.object_id}" if entry.object_id else kind


def key_label(key: str) -> str:
    return label("audit_detail", key, default=key.replace("_", " "))


def value_text(value: Any, key: str = "", coded: dict[str, Callable[[str], str]] = CODED) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        translate = coded.get(key)
        return translate(value) if translate is not None else value
    if isinstance(value, list):
        pairs = key in ITEM_PAIRS and all(_item_pair(v) for v in value)
        shown = [f"#{v[0]} ({value_text(v[1], key, coded)})" if pairs else value_text(v, key, coded)
                 for v in value[:LIST_SHOWN]]
        more = [_("{n} more", n=len(value) - LIST_SHOWN)] if len(value) > LIST_SHOWN else []
        return ", ".join(shown + more) or "—"
    if isinstance(value, dict):
        inner = FILTER_CODED if key == "filters" else coded
        parts = [f"{key_label(k)} {value_text(v, k, inner)}" for k, v in value.items() if k not in HIDDEN]
        return "; ".join(parts) or "—"
    return str(value)


def _item_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)


def detail_pairs(detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The entry's detail as (label, text) pairs, in stored order, without server paths and technical lines."""
    if not isinstance(detail, dict):
        return []
    return [(key_label(k), value_text(v, k)) for k, v in detail.items() if k not in HIDDEN]


def detail_text(detail: dict[str, Any] | None) -> str:
    """The same as one line (the CSV's Rincian column)."""
    return "; ".join(f"{k}: {v}" for k, v in detail_pairs(detail))
