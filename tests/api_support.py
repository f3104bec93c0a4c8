"""Helpers for the service API's tests: the web app served by uvicorn on a free local port, a token per
seeded user, and stored weekly report files — so the tests speak real HTTP to the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from monitor.access.tokens import issue_token
from monitor.db.schema import AuditLog, Report
from monitor.db.session import session_factory
from monitor.web.app import create_app
from reports.store import record_files, report_dir
from tests.web_support import WebEnv, make_env, serve

ROLES = ("admin", "supervisor", "reviewer", "reviewer_b", "auditor_a", "auditor_b")
WEEK = "2029-W40"
START = datetime(2029, 9, 30, 17, 0, tzinfo=UTC)
END = datetime(2029, 10, 7, 17, 0, tzinfo=UTC)


@dataclass
class ApiEnv:
    web: WebEnv
    base: str
    tokens: dict[str, str]
    reports: dict[str, int] = field(default_factory=dict)  # "<stem>.<format>" -> report id

    def client(self, username: str | None = None, token: str | None = None) -> httpx.Client:
        """An HTTP client on the API root, sending ``username``'s token (or ``token``)."""
        bearer = token or (self.tokens[username] if username else None)
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        return httpx.Client(base_url=self.base + "/api/v1", headers=headers, timeout=30)

    def audit(self, action: str) -> list[AuditLog]:
        with session_factory(self.web.url)() as s:
            return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def store_reports(web: WebEnv) -> dict[str, int]:
    """A weekly report per agency, the combined one and KAB-A's self-audit, as the report builders record them."""
    bundles = {"mingguan-KAB-A": ("weekly", "KAB-A"), "mingguan-KAB-B": ("weekly", "KAB-B"),
               "mingguan-semua": ("weekly", None), "audit-KAB-A": ("self_audit", "KAB-A")}
    ids: dict[str, int] = {}
    with session_factory(web.url)() as s:
        for stem, (kind, agency) in bundles.items():
            directory = report_dir(WEEK, kind)
            paths = []
            for fmt, data in (("pdf", b"%PDF-1.7\n% " + stem.encode() + b"\n%%EOF\n"),
                              ("csv", f"ukuran,nilai\nlaporan,{stem}\n".encode())):
                path = directory / f"{stem}.{fmt}"
                path.write_bytes(data)
                paths.append(path)
            rows = record_files(s, paths, kind=kind, agency_id=web.data.agencies[agency] if agency else None,
                                period_label=WEEK, period_start=START, period_end=END, created_by="test")
            ids |= {f"{stem}.{r.format}": r.id for r in rows}
        s.commit()
    return ids


def issue_tokens(web: WebEnv) -> dict[str, str]:
    with session_factory(web.url)() as s:
        tokens = {username: issue_token(s, username, "tests").token for username in (*ROLES, "reviewer2")}
        s.commit()
    return tokens


@contextmanager
def api_env(url: str) -> Iterator[ApiEnv]:
    """The seeded web app (tests.seed), its reports and tokens, served over HTTP."""
    web = make_env(url)
    reports = store_reports(web)
    tokens = issue_tokens(web)
    with serve(create_app(web.settings)) as base:
        yield ApiEnv(web, base, tokens, reports)


def report_path(env: ApiEnv, key: str) -> Path:
    with session_factory(env.web.url)() as s:
        row = s.get(Report, env.reports[key])
        assert row is not None
        return Path(row.path)
