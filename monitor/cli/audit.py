"""``netra audit``: an agency's private self-audit report."""

from __future__ import annotations

import typer

from monitor.cli.common import console, fail, require_current_schema
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

    require_current_schema()
    try:
        specs = [ExportInput.parse(s) for s in inputs]
        with session_scope() as session:
            agency_row = agency_by_code(session, agency)
            profile = active_profile(session)
            if profile is None:
                fail("no active election profile: load one with `netra profile load`")
            with progress("importing exports", unit="records") as bar:
                imported = import_exports(session, agency_row, specs, received_by=received_by, progress=bar.advance)
            for item, stats in imported:
                console.print(f"imported {item.path}: {stats.stored} new, {stats.unchanged} unchanged, "
                              f"{len(stats.errors)} errors")
    except SelfAuditError as exc:
        fail(str(exc))
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
