"""Stored activities → bundled classifier → classifications and review items."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.infer import load_classifier
from monitor.classify.pipeline import classify_pending
from monitor.db.schema import Activity, Classification, ReviewItem
from monitor.db.session import session_factory, session_scope
from monitor.registry.profiles import active_profile, store_profile
from tests.conftest import REPO
from tests.declared import add_declared

ACTS = [
    ("post", "Ayo warga Sukamaju, coblos nomor 1 SUTRADEWI! #SutraDewi2029", None, False, True),
    ("post", "Pelayanan posyandu di Kelurahan Mekarsari dibuka Senin pukul 08.00.", None, False, False),
    ("comment", "Siap menangkan Bang Hendra! ✌️", "Kampanye akbar HERAH sore ini #HendraRahmat2029", False, True),
    ("like", "", "Rapat koordinasi persiapan Hari Guru Nasional di aula dinas.", False, False),
    ("post", "Coblos nomor 2 HERAH, Sukamaju Berubah!", None, True, False),  # self-audit: not queued here
]


@pytest.fixture(scope="module")
def classifier():  # noqa: ANN201
    return load_classifier()


def test_classify_pending_queues_only_flags_and_is_idempotent(db_url: str, classifier) -> None:  # noqa: ANN001
    account_id = add_declared(db_url, "bluesky", "rina.bsky.social")
    with session_scope(db_url) as s:
        store_profile(s, REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml")
        for i, (kind, text, context, self_audit, _) in enumerate(ACTS):
            s.add(Activity(account_id=account_id, kind=kind, external_id=f"act-{i}", text=text,
                           context_text=context, source="test", self_audit=self_audit))
    with session_scope(db_url) as s:
        profile = active_profile(s)
    summary = classify_pending(session_factory(db_url), classifier, profile, batch_size=2)
    assert summary.classified == 4  # the self-audit act stays with its agency's own report
    assert summary.batches == 2
    with session_scope(db_url) as s:
        queued = {a.external_id for a in s.scalars(select(Activity).join(ReviewItem,
                                                                          ReviewItem.activity_id == Activity.id))}
        expected = {f"act-{i}" for i, act in enumerate(ACTS) if act[4]}
        assert queued == expected
        row = s.scalars(select(Classification).join(Activity).where(Activity.external_id == "act-0")).one()
        assert (row.stance, row.candidate, row.model_version) == ("support", "k1", classifier.model_version)
        assert row.cues

    again = classify_pending(session_factory(db_url), classifier, profile)
    assert again.classified == 0
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count(Classification.id))) == 4
        assert s.scalar(select(func.count(ReviewItem.id))) == len(expected)


def test_unreadable_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    from models.network import ModelDirError

    with pytest.raises(ModelDirError):
        load_classifier(tmp_path)
