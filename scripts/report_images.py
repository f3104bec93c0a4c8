"""Render the page images of docs/reports.md from the demo's data.

Runs the demo (``netra demo --no-serve``) in a fresh directory, or uses one given with ``--demo``,
lets a scripted reviewer decide most of its queue (the demo leaves every item undecided, and a
report without decisions shows little), then builds the demo week's combined weekly report, a
period report from that week's Monday to today, and the Dinas Kesehatan self-audit report, and
writes their pages as PNG files under docs/images/.

    .venv/bin/python scripts/report_images.py [--demo DIR] [--out docs/images] [--dpi 80]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The scripted reviewer's reading of an act kind when the model saw support for a candidate.
SUPPORT_CODES = {"post": "social_campaign", "photo": "partisan_photo", "comment": "campaign_account_interaction",
                 "like": "campaign_account_interaction", "share": "campaign_account_interaction",
                 "follow": "campaign_account_interaction"}
SELF_AUDIT_AGENCY = "dinkes-sukamaju"


def run_demo(home: Path) -> None:
    env = {**os.environ}
    env.pop("NETRA_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "monitor", "demo", "--no-serve", "--dir", str(home)], cwd=REPO, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def scripted_review() -> int:
    """Decide the demo queue as a reviewer might: hate speech and support for a candidate are breaches, an
    attack on a candidate needs clarification, the rest is not a breach; every fifth item is left open."""
    from sqlalchemy import select

    from monitor.access.scoping import may_decide
    from monitor.db.schema import ReviewItem, User
    from monitor.db.session import session_scope
    from monitor.review.decisions import DecisionInput, decide

    decided = 0
    with session_scope() as session:
        reviewers = {u.username: u for u in session.scalars(select(User).where(
            User.username.in_(["reviewer", "supervisor"])))}
        items = list(session.scalars(select(ReviewItem).order_by(ReviewItem.id)))
        for n, item in enumerate(items):
            if n % 5 == 4:
                continue
            cls = item.classification
            kind = item.activity.kind
            if cls.hate:
                data = DecisionInput(verdict="pelanggaran", violation_code="hate_speech",
                                     note="Ujaran kebencian terhadap calon (peninjau contoh).")
            elif cls.stance == "support" and (cls.candidate or cls.party):
                data = DecisionInput(verdict="pelanggaran", violation_code=SUPPORT_CODES.get(kind, "other"),
                                     candidate=cls.candidate, party=None if cls.candidate else cls.party,
                                     note="Dukungan terbuka kepada calon (peninjau contoh).")
            elif cls.stance == "oppose":
                data = DecisionInput(verdict="perlu_klarifikasi",
                                     note="Perlu klarifikasi kepada ASN (peninjau contoh).")
            else:
                data = DecisionInput(verdict="bukan_pelanggaran", reason="no_election_link",
                                     note="Tidak berkaitan dengan pemilihan (peninjau contoh).")
            # Two reviewers share the work; items outside the reviewer's agencies go to the supervisor.
            reviewer = reviewers["reviewer"] if n % 2 == 0 else reviewers["supervisor"]
            if not may_decide(session, reviewer, item):
                reviewer = reviewers["supervisor"]
            decide(session, item, reviewer, data)
            decided += 1
    return decided


def pages(pdf: Path, out: Path, name: str, dpi: int, first: int = 1, last: int | None = None) -> list[Path]:
    """``pdf``'s pages ``first``…``last`` as ``<out>/<name>-<n>.png``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm (poppler-utils) is needed")
    with tempfile.TemporaryDirectory() as tmp:
        args = [pdftoppm, "-png", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        subprocess.run([*args, str(pdf), f"{tmp}/p"], check=True)
        made = []
        for i, png in enumerate(sorted(Path(tmp).glob("p-*.png")), start=first):
            target = out / f"{name}-{i}.png"
            shutil.move(png, target)
            made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="an existing demo directory (default: run the demo now)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()

    home = args.demo or Path(tempfile.mkdtemp(prefix="netra-report-images-")) / "demo"
    if args.demo is None:
        print(f"running the demo in {home} …")
        run_demo(home)
    os.environ["NETRA_HOME"] = str(home)
    os.environ.pop("NETRA_DATABASE_URL", None)
    from monitor.config import get_settings, reset_settings_cache

    reset_settings_cache()
    from monitor.classify import load_configured_classifier
    from monitor.db.session import session_scope
    from monitor.registry.profiles import active_profile
    from monitor.selfaudit.workflow import run_self_audit
    from reports.period import Period, previous_week
    from reports.weekly import build_report

    print(f"scripted reviewer decided {scripted_review()} items")
    now = datetime.now(ZoneInfo(get_settings().timezone))
    week = previous_week(now)  # the demo's acts happened last week
    span = Period.days(week.monday, now.date())
    with session_scope() as session:
        weekly = {r.format: Path(r.path) for r in build_report(session, week.period(), None, created_by="docs")}
        ranged = {r.format: Path(r.path) for r in build_report(session, span, None, created_by="docs")}
        profile = active_profile(session)
        if profile is None:
            raise SystemExit("the demo has no active election profile")
        audit = run_self_audit(session, SELF_AUDIT_AGENCY, load_configured_classifier(), profile,
                               include_crawled=True, created_by="docs")
        self_audit = {r.format: Path(r.path) for r in audit.reports}
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("laporan-*.png"):
        old.unlink()
    made = pages(weekly["pdf"], args.out, "laporan-mingguan", args.dpi, 1, 3)
    made += pages(ranged["pdf"], args.out, "laporan-periode", args.dpi, 1, 1)
    made += pages(self_audit["pdf"], args.out, "laporan-audit-mandiri", args.dpi, 1, 1)
    for path in made:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    main()
