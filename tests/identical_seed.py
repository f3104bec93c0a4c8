"""Identical acts on top of ``tests.seed``: several accounts liking the candidate's post, and a copied slogan.

Added by the bulk-decision tests only, so the base seed's queue counts stay as other tests expect them.
"""

from __future__ import annotations

from sqlalchemy import select

from monitor.db.schema import Account, Agency, Employee, Post
from monitor.db.session import session_factory
from monitor.review.queue import enqueue
from tests.seed import _act
from tests.web_support import WebEnv

# budi_post's words, in other case and spacing: identical once normalised.
COPIED_SLOGAN = "ayo  COBLOS nomor 1!   #SutraDewi2029 sukamaju BANGKIT "


def add_identical(env: WebEnv) -> dict[str, int]:
    """Queue more acts; returns their review item ids by name (also added to ``env.data.items``).

    Identical to ``budi_like`` (KAB-A): ``sari_like``, ``dewi_like`` (KAB-A) and ``joko_like`` (KAB-B, outside a
    KAB-A reviewer's scope). Not identical to it: ``sari_share`` (another kind on the same post). Identical to
    ``budi_post``: ``sari_copy`` (the same words on another platform and account).
    """
    with session_factory(env.url)() as s:
        candidate_post = s.scalar(select(Post).where(Post.external_id == "bluesky-cand-1"))
        assert candidate_post is not None
        kab_a = s.get(Agency, env.data.agencies["KAB-A"])
        dewi = Employee(nip="199205172018012004", name="Dewi Lestari", agency=kab_a, unit="Dinas Kesehatan",
                        position="Perawat", status="PNS")
        s.add(dewi)
        s.flush()
        dewi_acc = Account(employee=dewi, platform="bluesky", handle="dewi.bsky.social")
        s.add(dewi_acc)
        s.flush()
        sari_acc = s.scalar(select(Account).where(Account.handle == "sari@warga.example"))
        joko_acc = s.scalar(select(Account).where(Account.handle == "joko.bsky.social"))
        assert sari_acc is not None and joko_acc is not None
        acts = {
            "sari_like": _act(s, sari_acc, "like", "l2", None, "2029-10-01T21:00:00+07:00",
                              context=candidate_post.text, target=candidate_post, score=0.7, cues=["SUTRADEWI"]),
            "dewi_like": _act(s, dewi_acc, "like", "l3", None, "2029-10-02T07:00:00+07:00",
                              context=candidate_post.text, target=candidate_post, score=0.69, cues=["SUTRADEWI"]),
            "joko_like": _act(s, joko_acc, "like", "l4", None, "2029-10-02T08:00:00+07:00",
                              context=candidate_post.text, target=candidate_post, score=0.72, cues=["SUTRADEWI"]),
            "sari_share": _act(s, sari_acc, "share", "s1", None, "2029-10-02T09:00:00+07:00",
                               context=candidate_post.text, target=candidate_post, score=0.75, cues=["SUTRADEWI"]),
            "sari_copy": _act(s, sari_acc, "post", "p9", COPIED_SLOGAN, "2029-10-02T10:00:00+07:00", score=0.95,
                              cues=["#SutraDewi2029"]),
        }
        added = {}
        for name, (activity, classification) in acts.items():
            item = enqueue(s, activity, classification)
            assert item is not None
            s.flush()
            added[name] = item.id
        s.commit()
    env.data.items.update(added)
    return added
