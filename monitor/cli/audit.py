"""``netra audit``: an agency's private self-audit report."""

from __future__ import annotations

import typer

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.importers import summary
from monitor.cli.output import progress


def audit(
    agency: str = typer.Option(..., "--agency", help="Agency code."),
    inputs: list[str] = typer.Option(
        [], "--input", help="Export to import first, as IMPORTER:ACCOUNT=PATH (x-archive, instagram, tiktok, facebook)."
    ),
    include_crawled: bool = typer.Option(False, "--include-crawled", help="Also audit what Netra crawled."),
    submit: bool = typer.Option(False, "--submit", help="Hand the flagged self-audit acts to the review queue."),
    model_dir: str | None = typer.Option(None, "--model", help="Model directory (default: settings / bundled)."),
    received_by: str | None = typer.Option(None, "--received-by", help="Who handed the exports in."),
) -> None:
    """Classify the agency's self-audit data and render its private report (not queued unless --submit)."""
    from pathlib import Path

    from monitor.db.session import session_scope
    from monitor.registry.profiles import active_profile
    from monitor.selfaudit.workflow import ExportInput, SelfAuditError, agency_by_code, import_exports, run_self_audit
    from spiders.importers.base import ExportError
    from spiders.importers.run import ImportInterrupted, stop_on_signals

    require_current_schema()
    incomplete: list[str] = []
    try:
        specs = [ExportInput.parse(s) for s in inputs]
        with session_scope() as session:
            agency_row = agency_by_code(session, agency)
            profile = active_profile(session)
            if profile is None:
                fail("no active election profile: load one with `netra profile load`")
            with stop_on_signals(), progress("importing exports", unit="records") as bar:
                imported = import_exports(session, agency_row, specs, received_by=received_by, progress=bar.advance)
            for item, stats in imported:
                console.print(f"imported {item.path} ({stats.status}): {stats.stored} new, {stats.unchanged} "
                              f"unchanged, {stats.skipped} skipped")
                for problem in stats.problems[:5]:
                    err_console.print(f"[yellow]{problem.message}[/]", highlight=False, soft_wrap=True)
                if stats.status != "succeeded":
                    incomplete.append(f"{item.path}: {summary(stats)}")
    except (SelfAuditError, ExportError) as exc:
        fail(str(exc))
    except ImportInterrupted as exc:
        fail(f"import {exc.reason}: its run was closed as failed; nothing was classified", code=exc.exit_code)
    from monitor.classify import load_configured_classifier

    try:
        classifier = load_configured_classifier(Path(model_dir) if model_dir else None)
    except Exception as exc:  # a missing or broken model: say which and stop
        fail(f"cannot load the classifier: {exc}")
    with session_scope() as session, progress("classifying", unit="acts") as bar:
        outcome = run_self_audit(session, agency, classifier, profile, include_crawled=include_crawled,
                                 submit=submit, created_by=received_by or "cli", progress=bar.advance)
    d = outcome.data
    console.print(f"self-audit {d.agency_code}: {d.acts} acts ({d.self_audit_acts} self-audit, {d.crawled_acts} "
                  f"crawled), {len(d.flagged)} flagged, {outcome.submitted} submitted to the review queue")
    for r in outcome.reports:
        console.print(f"{r.format:5} {r.path}  sha256 {r.sha256}")
    if incomplete:
        # The report covers what was imported; say that something in the exports was not.
        fail(f"not everything in the exports was imported, so the report may miss acts — {'; '.join(incomplete)}")
