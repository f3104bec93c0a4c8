"""``netra capture``: public post links → screenshot, HTML and metadata kept as evidence (docs/interfaces.md §7)."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from monitor.cli.common import err_console, fail, require_current_schema, state

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from monitor.db.schema import CaptureTip
    from spiders.capture.run import CaptureResult


def capture(
    urls: list[str] = typer.Argument(None, metavar="URL", help="Public post links (http or https)."),
    account: str | None = typer.Option(
        None, "--account", metavar="PLATFORM:HANDLE",
        help="The declared account whose act the links are (default: the author the page names)."),
    note: str | None = typer.Option(None, "--note", help="A note kept with each link (who reported it, why)."),
    from_csv: Path | None = typer.Option(
        None, "--from-csv", exists=True, dir_okay=False, readable=True,
        help="A CSV of links: column url, and optionally platform, akun, catatan (UTF-8, `,` or `;`)."),
) -> None:
    """Capture public posts as evidence (screenshot, HTML, metadata, SHA-256), classify and queue; one JSON line each.

    Exits 1 when any link failed (its line says why); the others are captured regardless.
    """
    from monitor.capture.tips import TipInput, TipInputError, create_tips, read_csv

    inputs: list[TipInput] = []
    if from_csv is not None:
        try:
            inputs += read_csv(from_csv)
        except TipInputError as exc:
            fail(str(exc))
    platform = handle = None
    if account:
        platform, sep, handle = account.partition(":")
        if not sep or not platform.strip() or not handle.strip():
            fail(f"--account {account!r}: give it as PLATFORM:HANDLE, e.g. instagram:rina.pratiwi")
    inputs += [TipInput(url=u, platform=platform, handle=handle) for u in urls or []]
    if not inputs:
        fail("nothing to capture: give links, or --from-csv FILE")
    require_current_schema()

    from monitor.capture.tips import capture_tips
    from monitor.db.session import session_factory

    sessions = session_factory()
    with sessions.begin() as s:
        _batch, tip_ids = create_tips(s, inputs, source="csv" if from_csv is not None else "cli",
                                      username=f"cli:{getpass.getuser()}", note=note)
    classify = _classifier(sessions)
    failed = 0

    def done(_tip: CaptureTip, result: CaptureResult) -> None:
        nonlocal failed
        line = result.line()
        failed += line["status"] == "failed"
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        if not state.quiet:
            for warning in result.warnings:
                err_console.print(f"[yellow]{line['url']}: {warning}[/]", highlight=False, soft_wrap=True)

    try:
        capture_tips(sessions, tip_ids, classify=classify, on_done=done, label="netra capture")
    except Exception as exc:  # noqa: BLE001 — the browser could not start: no link was captured
        from monitor.capture.tips import close_unfinished

        close_unfinished(sessions, tip_ids, "error", f"capture could not run: {exc}")
        fail(f"capture could not run: {type(exc).__name__}: {exc}".splitlines()[0])
    if failed:
        raise typer.Exit(1)


def _classifier(sessions: sessionmaker[Session]) -> Callable[[list[int]], None]:
    """Classify an act as soon as it is stored; the model is loaded at the first act (it takes seconds)."""
    from monitor.capture.tips import classify_acts
    from monitor.registry.profiles import active_profile

    loaded: dict[str, Any] = {}

    def classify(activity_ids: list[int]) -> None:
        with sessions() as s:
            profile = loaded.get("profile") or active_profile(s)
            if profile is None:
                if "warned" not in loaded:
                    err_console.print("[yellow]no active election profile: captured acts are classified once one "
                                      "is loaded (`netra profile load`)[/]", highlight=False)
                    loaded["warned"] = True
                return
            loaded["profile"] = profile
            if "classifier" not in loaded:
                from monitor.classify import load_configured_classifier

                loaded["classifier"] = load_configured_classifier()
            classify_acts(s, activity_ids, loaded["classifier"], profile)

    return classify
