"""Acts classified before a claim was stored are matched against it later, once (monitor/hoax/rematch.py).

The real e5 encoder and the shipped rules, on both backends: hoaxes spread before the fact-checkers' verdicts do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from models.hoax import Claim
from monitor.classify.pipeline import store_results
from monitor.db.schema import Activity, ClaimReview, Classification, ReviewItem
from monitor.db.session import session_factory, session_scope
from monitor.hoax.rematch import rematch_recent
from monitor.registry.profiles import active_profile, store_profile
from spiders.factcheck.claimreview import ClaimRecord
from spiders.factcheck.store import ClaimStore
from tests.conftest import REPO
from tests.declared import add_declared

POSTPONED = Claim(claim="KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir", rating="Salah",
                  url="https://cekfakta.example/2029/10/diundur/", false=True, publisher="Cek Fakta Contoh")
SPREAD = "Info penting: KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir. Sebarkan ke keluarga!"
MODEL = "stand-in-model"


def _record(claim: str, url: str, rating: str = "Salah", verdict: str = "false") -> ClaimRecord:
    return ClaimRecord(claim=claim, rating=rating, verdict=verdict, url=url, publisher="Cek Fakta Contoh")


def _seed(db_url: str) -> tuple[str, dict[str, int]]:
    """Acts classified before any claim was stored (no hoax found, nothing flagged): returns the profile id and
    each act's activity id."""
    account = add_declared(db_url, "bluesky", "rina.bsky.social")
    now = datetime.now(UTC)
    acts = {
        "spread": (SPREAD, now - timedelta(days=1), False),
        "other": ("Pelayanan posyandu di Kelurahan Mekarsari dibuka Senin pukul 08.00.", now - timedelta(days=2),
                  False),
        "old_spread": (SPREAD + " (lama)", now - timedelta(days=30), False),
        "self_audit": (SPREAD, now - timedelta(days=1), True),
    }
    ids = {}
    with session_scope(db_url) as s:
        profile = store_profile(s, REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml").profile
        for name, (text, when, self_audit) in acts.items():
            activity = Activity(account_id=account, kind="post", external_id=name, text=text, occurred_at=when,
                                source="test", self_audit=self_audit)
            s.add(activity)
            s.flush()
            s.add(Classification(activity_id=activity.id, model_version=MODEL, profile_id=profile.id, score=0.1,
                                 flagged=False, stance="none", hate=False, cues=[]))
            ids[name] = activity.id
        return profile.id, ids


def _classification(db_url: str, activity_id: int) -> Classification:
    with session_scope(db_url) as s:
        row = s.scalars(select(Classification).where(Classification.activity_id == activity_id)).one()
        s.expunge(row)
        return row


def test_acts_classified_before_a_claim_are_matched_against_it_once(db_url: str) -> None:
    _, ids = _seed(db_url)
    with session_scope(db_url) as s:
        profile = active_profile(s)
    classifier = SimpleNamespace(model_version=MODEL, hoax=None)

    nothing = rematch_recent(session_factory(db_url), classifier, profile, days=7)
    assert (nothing.read, nothing.found, nothing.claims_as_of) == (0, 0, None)  # no claims yet

    ClaimStore(db_url).store([_record(POSTPONED.claim, POSTPONED.url)], source="test")
    first = rematch_recent(session_factory(db_url), classifier, profile, days=7, batch_size=1)
    # The two recent supervisory acts; not the one of thirty days ago, not the agency's own self-audit act.
    assert (first.read, first.found, first.queued) == (2, 1, 1)
    spread = _classification(db_url, ids["spread"])
    assert spread.hoax and spread.flagged and spread.score >= 0.1
    assert [c["url"] for c in spread.hoax_claims] == [POSTPONED.url]
    assert spread.stance == "none" and spread.hoax_matched_at is not None
    other = _classification(db_url, ids["other"])
    assert not other.hoax and not other.flagged and other.hoax_matched_at == spread.hoax_matched_at
    for name in ("old_spread", "self_audit"):
        row = _classification(db_url, ids[name])
        assert not row.hoax and row.hoax_matched_at is None, name
    with session_scope(db_url) as s:
        assert list(s.scalars(select(ReviewItem.activity_id))) == [ids["spread"]]

    again = rematch_recent(session_factory(db_url), classifier, profile, days=7)
    assert (again.read, again.found) == (0, 0)  # each act once per change of the claims

    ClaimStore(db_url).store([_record("Tinta pemilu mengandung lemak babi sehingga salat pemilih tidak sah",
                                      "https://periksa.example/tinta-babi/", rating="Hoaks")], source="test")
    later = rematch_recent(session_factory(db_url), classifier, profile, days=7)
    assert (later.read, later.found) == (1, 0)  # the act not found a hoax, against the newer claims
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count(ReviewItem.id))) == 1
        newest = s.scalar(select(func.max(ClaimReview.updated_at)))
    assert _classification(db_url, ids["other"]).hoax_matched_at == newest


def test_a_classification_records_the_claims_it_was_matched_against(db_url: str) -> None:
    """What store_results writes: the newest change of the claims the classifier's matcher was built from, or
    nothing when it had no matcher (then the act is matched once claims exist)."""
    _, ids = _seed(db_url)
    seen = datetime(2029, 10, 28, 5, 15, tzinfo=UTC)
    result = SimpleNamespace(score=0.2, flagged=False, stance="none", hate=False, candidate=None, party=None, cues=[],
                             hoax=False, hoax_claims=[])
    with session_scope(db_url) as s:
        profile = active_profile(s)
        activity = s.get(Activity, ids["other"])
        with_claims = SimpleNamespace(model_version="m-claims", hoax=object(), hoax_state=SimpleNamespace(latest=seen))
        without = SimpleNamespace(model_version="m-none", hoax=None)
        store_results(s, [activity], [result], with_claims, profile)
        store_results(s, [activity], [result], without, profile)
    with session_scope(db_url) as s:
        rows = {r.model_version: r.hoax_matched_at for r in s.scalars(select(Classification).where(
            Classification.activity_id == ids["other"], Classification.model_version.in_(["m-claims", "m-none"])))}
    assert rows == {"m-claims": seen, "m-none": None}


def test_netra_hoax_rematch(db_url: str, monkeypatch) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    import monitor.classify
    from monitor.cli import app

    _, ids = _seed(db_url)
    monkeypatch.setattr(monitor.classify, "load_configured_classifier",
                        lambda **_kw: SimpleNamespace(model_version=MODEL, hoax=None))
    runner = CliRunner()
    empty = runner.invoke(app, ["hoax", "rematch", "--days", "7"])
    assert empty.exit_code == 0 and "no claims stored" in empty.output, empty.output
    ClaimStore(db_url).store([_record(POSTPONED.claim, POSTPONED.url)], source="test")
    done = runner.invoke(app, ["hoax", "rematch", "--days", "7"])
    assert done.exit_code == 0, done.output
    assert "2 acts of the last 7 days matched again" in done.output and "1 hoaxes found, 1 queued" in done.output
    assert _classification(db_url, ids["spread"]).hoax
    from monitor.classify.worker import lock_path_or_none, single_worker_lock

    if lock_path_or_none(db_url) is not None:  # SQLite: one writer of classifications, a worker holds it
        with single_worker_lock(db_url):
            busy = runner.invoke(app, ["hoax", "rematch", "--days", "7"])
        assert busy.exit_code == 1 and "cannot match again now" in busy.output and "Traceback" not in busy.output
    monkeypatch.setenv("NETRA_HOAX_REMATCH_DAYS", "0")
    from monitor.config import reset_settings_cache

    reset_settings_cache()
    off = runner.invoke(app, ["hoax", "rematch"])
    assert off.exit_code == 1 and "re-matching is off" in off.output


def test_the_daily_job_rematches_under_the_active_profile(db_url: str, monkeypatch) -> None:  # noqa: ANN001
    import monitor.classify
    from monitor.ops.jobs import rematch_hoaxes
    from monitor.ops.scheduler import fixed_job_specs

    spec = next(s for s in fixed_job_specs(UTC) if s.id == "hoax_rematch")
    assert spec.func == "monitor.ops.jobs:rematch_hoaxes"
    _, ids = _seed(db_url)
    monkeypatch.setattr(monitor.classify, "load_configured_classifier",
                        lambda **_kw: SimpleNamespace(model_version=MODEL, hoax=None))
    ClaimStore(db_url).store([_record(POSTPONED.claim, POSTPONED.url)], source="test")
    assert rematch_hoaxes() == {"read": 2, "found": 1, "queued": 1}
    assert rematch_hoaxes() == {"read": 0, "found": 0, "queued": 0}
