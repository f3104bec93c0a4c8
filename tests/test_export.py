"""``netra export activities``: the interfaces.md record, filters, classification fields and user scoping."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from monitor.access.users import create_user
from monitor.cli import app
from monitor.db.schema import Activity, AuditLog, Classification, ReviewItem
from monitor.db.session import session_scope
from monitor.exports.activities import FIELDS, ActivityFilter, ExportRefused, activity_records
from spiders.items import ActivityItem, PostItem, parse_time, raw_json
from spiders.store import IngestStore
from tests.declared import add_declared

INTERFACE_FIELDS = {"platform", "handle", "nip", "kind", "external_id", "url", "text", "context", "occurred_at",
                    "captured_at", "evidence_sha256", "flagged", "score", "stance", "candidate", "review_status"}
CAND = "at://did:plc:hmb7kxxn7mjbfcud6uvjlcdf/app.bsky.feed.post/3lbcb2hu2nsyu"


def _seed(url: str) -> dict[str, int]:
    """Two agencies: a Bluesky like (classified, queued) and a Mastodon post in another agency."""
    rina = add_declared(url, "bluesky", "rinapratiwi.bsky.social", agency="DISDUKCAPIL")
    bambang = add_declared(url, "mastodon", "bambang_h@mastodon.example", nip="199001152015032002", agency="DISDIK")
    store = IngestStore(url)
    like_raw = raw_json({"actor": {"handle": "rinapratiwi.bsky.social"}, "createdAt": "2024-11-19T12:05:10.220Z"})
    like = store.ingest_activity(ActivityItem(
        platform="bluesky", kind="like", external_id=CAND, account_id=rina,
        target=PostItem(platform="bluesky", external_id=CAND, url="https://bsky.app/profile/x/post/3lbcb2hu2nsyu",
                        text="27 November coblos nomor 2!", raw=b'{"uri":"cand"}'),
        context="27 November coblos nomor 2!", url="https://bsky.app/profile/x/post/3lbcb2hu2nsyu",
        occurred_at=parse_time("2024-11-19T12:05:10.220Z"), raw=like_raw, source="crawl:bluesky"))
    own_uri = "https://mastodon.example/users/bambang_h/statuses/113541398208099342"
    post = store.ingest_activity(ActivityItem(
        platform="mastodon", kind="post", external_id=own_uri, account_id=bambang,
        post=PostItem(platform="mastodon", external_id=own_uri, url="https://mastodon.example/@bambang_h/1",
                      text="Upacara Hari Guru", raw=b'{"uri":"own"}'),
        text="Upacara Hari Guru", url="https://mastodon.example/@bambang_h/1",
        occurred_at=parse_time("2024-11-25T03:10:45.118Z"), source="crawl:mastodon"))
    with session_scope(url) as s:
        for n, score in enumerate((0.41, 0.93)):
            s.add(Classification(activity_id=like.id, model_version=f"m{n}", profile_id="p", score=score,
                                 flagged=score > 0.5, stance="support", hate=False, candidate="k2", cues=["nomor 2"]))
        s.flush()
        latest = s.scalar(select(Classification).where(Classification.model_version == "m1"))
        agency_id = s.get(Activity, like.id).account.employee.agency_id
        s.add(ReviewItem(activity_id=like.id, classification_id=latest.id, agency_id=agency_id, status="pending"))
        create_user(s, "auditor-dukcapil", "kata-sandi-uji-123", "agency_auditor", agency_code="DISDUKCAPIL")
        create_user(s, "admin", "kata-sandi-uji-123", "admin")
    return {"like": like.id, "post": post.id}


def test_records_carry_exactly_the_interface_fields(db_url: str) -> None:
    _seed(db_url)
    with session_scope(db_url) as s:
        records = list(activity_records(s, ActivityFilter()))
    assert set(FIELDS) == INTERFACE_FIELDS and all(set(r) == INTERFACE_FIELDS for r in records)
    like, post = records
    assert like["platform"] == "bluesky" and like["nip"] == "198503122010011001" and like["kind"] == "like"
    assert like["external_id"] == CAND and like["context"] == "27 November coblos nomor 2!"
    assert like["occurred_at"] == "2024-11-19T19:05:10.220000+07:00"  # ISO 8601 with offset (Asia/Jakarta)
    assert like["captured_at"].endswith("+07:00")
    expected_sha = hashlib.sha256(raw_json({"actor": {"handle": "rinapratiwi.bsky.social"},
                                            "createdAt": "2024-11-19T12:05:10.220Z"})).hexdigest()
    assert like["evidence_sha256"] == expected_sha
    # The latest classification and the queue state.
    assert (like["flagged"], like["score"], like["stance"], like["candidate"], like["review_status"]) == (
        True, 0.93, "support", "k2", "pending")
    assert post["kind"] == "post" and post["text"] == "Upacara Hari Guru"
    assert post["external_id"].endswith("113541398208099342") and post["evidence_sha256"]
    assert (post["flagged"], post["score"], post["review_status"]) == (None, None, None)


def test_filters_and_user_scope(db_url: str) -> None:
    _seed(db_url)
    with session_scope(db_url) as s:
        def kinds(**kw) -> list[str]:
            return [r["kind"] for r in activity_records(s, ActivityFilter(**kw))]

        assert kinds(platform="mastodon") == ["post"]
        assert kinds(agency="DISDUKCAPIL") == ["like"]
        assert kinds(since=date(2024, 11, 20)) == ["post"]
        assert kinds(as_user="auditor-dukcapil") == ["like"]
        assert kinds(as_user="admin") == ["like", "post"]
        assert kinds(as_user="auditor-dukcapil", platform="mastodon") == []
        with pytest.raises(ExportRefused, match="nobody"):
            kinds(as_user="nobody")
        with pytest.raises(LookupError, match="NOPE"):
            kinds(agency="NOPE")


def test_cli_jsonl_and_csv(sqlite_db: str, tmp_path: Path) -> None:
    _seed(sqlite_db)
    runner = CliRunner()
    result = runner.invoke(app, ["export", "activities", "--format", "jsonl", "--as-user", "auditor-dukcapil"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["handle"] for r in lines] == ["rinapratiwi.bsky.social"]

    out = tmp_path / "acts.csv"
    result = runner.invoke(app, ["export", "activities", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == FIELDS and len(rows) == 2
    assert rows[0]["flagged"] == "true" and rows[1]["flagged"] == ""
    with session_scope(sqlite_db) as s:
        actions = s.scalars(select(AuditLog.action)).all()
        assert actions.count("export_activities") == 2

    bad = runner.invoke(app, ["export", "activities", "--format", "xml"])
    assert bad.exit_code != 0 and "jsonl, csv" in bad.output
    bad = runner.invoke(app, ["export", "activities", "--format", "csv", "--since", "25-11-2024"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
