"""The message catalogue (monitor/i18n, netra.po for locale ``id``): complete, consistent, and the only source.

Every message the code asks for (``_("…")`` in Python and templates) is in the catalogue with an Indonesian
text, every entry in the catalogue is asked for, placeholders agree, and every label context and audit
action the code names has its labels. Adding a message: docs/review-web-app.md ("Message catalogue").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from monitor import i18n
from monitor.i18n import CATALOGUE_PATH, _, catalogue, label, labels

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("monitor", "reports")
PLACEHOLDER = re.compile(r"{(\w*)[^{}]*}")
# Label contexts whose texts are templates filled by the code (str.format), with the names they may use.
FORMATTED_LABELS = {"import_problem": {"file", "n"}}


def _entries() -> list:  # type: ignore[type-arg]
    with CATALOGUE_PATH.open("rb") as fh:
        return [m for m in read_po(fh, locale="id") if m.id]


def _asked_for() -> dict[str, str]:
    """msgid → where: every ``_()``/``gettext()`` call with a literal in the code and templates."""
    found: dict[str, str] = {}
    for package in SOURCES:
        for method, pattern in (("python", "**.py"), ("jinja2.ext:babel_extract", "**.html")):
            for filename, lineno, message, _comments, _context in extract_from_dir(
                    REPO / package, method_map=[(pattern, method)], keywords={"_": None, "gettext": None},
                    comment_tags=()):
                if isinstance(message, str):
                    found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def _calls(name: str, importing: str | None = None) -> list[tuple[str, ast.Call]]:
    """Calls of ``name`` in the code (in modules that import from ``importing``, when given)."""
    calls = []
    for package in SOURCES:
        for path in (REPO / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if importing is not None and f"from {importing} import" not in source:
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name:
                    calls.append((f"{path.relative_to(REPO)}:{node.lineno}", node))
    return calls


def test_every_entry_has_an_indonesian_text() -> None:
    entries = _entries()
    assert len(entries) > 300
    empty = [(m.context, m.id) for m in entries if not (isinstance(m.string, str) and m.string.strip())]
    assert empty == []
    assert [(m.context, m.id) for m in entries if m.fuzzy] == []
    assert len(catalogue()) == len(entries)  # nothing dropped when read


def test_placeholders_agree() -> None:
    for m in _entries():
        wanted = set(PLACEHOLDER.findall(m.id)) if m.context is None else FORMATTED_LABELS.get(m.context, set())
        got = set(PLACEHOLDER.findall(m.string))
        if m.context is None:
            assert got == wanted, (m.id, m.string)
            if wanted:
                assert "python-brace-format" in m.flags, m.id
        else:
            assert got <= wanted, (m.context, m.id, m.string)


def test_every_message_asked_for_is_there_and_every_entry_is_asked_for() -> None:
    asked = _asked_for()
    assert len(asked) > 40
    messages = {msgid for (context, msgid) in catalogue() if context is None}
    missing = {msgid: where for msgid, where in asked.items() if msgid not in messages}
    assert missing == {}, "add these to netra.po"
    assert sorted(messages - set(asked)) == [], "no code asks for these any more: remove them from netra.po"


def test_every_label_context_named_in_code_exists() -> None:
    contexts = {context for (context, _msgid) in catalogue() if context is not None}
    named = {}
    for name in ("label", "labels"):
        for where, call in _calls(name, importing="monitor.i18n"):
            if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                named[call.args[0].value] = where
    assert len(named) > 15
    assert {ctx: where for ctx, where in named.items() if ctx not in contexts} == {}


def test_every_audited_action_reads_as_words() -> None:
    actions = set()
    for name in ("record", "audit"):
        for _where, call in _calls(name):
            args = [a for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if args and re.fullmatch(r"[a-z_]+", args[0].value):
                actions.add(args[0].value)
    actions |= {f"{action}_refused" for action in ("report_download", "dossier_download")}  # stream_verified
    assert {"login", "decide", "self_audit_upload", "retention_purge", "view_queue"} <= actions
    assert sorted(actions - set(labels("audit_action"))) == []


def test_lookups() -> None:
    assert _("Invalid request.") == "Permintaan tidak sah."
    assert _("At most {n} links at a time; send the rest separately.", n=20).startswith("Paling banyak 20 tautan")
    assert _("A message nobody translated") == "A message nobody translated"  # visible, and caught by the test above
    assert _("“{value}” is not a number", value="{n}") == "“{n}” bukan bilangan"  # a value is never formatted again
    assert label("verdict", "bukan_pelanggaran") == "bukan pelanggaran"
    assert label("verdict", "kode_baru") == "kode_baru" and label("verdict", "kode_baru", default="—") == "—"
    with pytest.raises(KeyError, match="kode_baru"):
        labels("verdict", ("pelanggaran", "kode_baru"))
    assert i18n.LOCALE == "id" and CATALOGUE_PATH.name == "netra.po"


def test_every_form_and_query_field_of_the_pages_has_a_label() -> None:
    """A refused request names its field (monitor.web.rendering.invalid_request): in words, never the parameter."""
    names = set()
    for path in (REPO / "monitor" / "web" / "routes").glob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef):
                continue
            args = function.args
            positional = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
            for arg, default in zip([*args.args, *args.kwonlyargs], [*positional, *args.kw_defaults], strict=True):
                if isinstance(default, ast.Call) and getattr(default.func, "id", "") in ("Form", "Query"):
                    alias = next((k.value.value for k in default.keywords if k.arg == "alias"), None)
                    names.add(alias or arg.arg)
    assert {"verdict", "page", "links", "username"} <= names
    assert sorted(names - set(labels("field"))) == []
