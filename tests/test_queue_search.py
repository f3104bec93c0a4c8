"""Search on the review queue: the full-text index kept in step with every write path, user input that is
never syntax, agency scope under search, search on the page and in the API, the candidate filter by name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from monitor.access.tokens import issue_token
from monitor.db.schema import Activity, ReviewItem
from monitor.db.search import MAX_TERMS, index_words, search_terms, text_match, text_match_all
from monitor.db.session import session_factory, session_scope
from monitor.review.queue import QueueFilters, filtered_item_ids
from spiders.importers import IMPORTERS, import_export
from spiders.ingest_batch import BatchWriter
from spiders.items import ActivityItem, PostItem, raw_json
from spiders.store import IngestStore
from tests.conftest import export_fixture
from tests.declared import add_declared
from tests.seed import user
from tests.test_importers import zip_dir
from tests.web_support import WebEnv, make_env

ITEM_LINK = re.compile(r'href="/items/(\d+)"')
HOSTILE = ['"', "'", "*", '"kampa', "kampa*", "-kampa", "kampa OR budi", "NEAR(kampa budi)", "kampa:*", "a & !b",
           "' OR 1=1 --", "%", "_", "\\", "(", ")", "{}", "^budi", "budi <-> kampa", "\x00kampa", "½", "＊", "🙂",
           "k" * 5000, "a b c d e f g h i j k l", "\ufeff", "text:kampa", "rowid:1", "activity_fts"]


def ids(html: str) -> set[int]:
    return {int(m) for m in ITEM_LINK.findall(html)}


def matching(session: Session, term: str) -> set[int]:
    dialect = session.get_bind().dialect.name
    return set(session.scalars(select(Activity.id).where(Activity.id.in_(text_match(term, dialect)))))


# ----------------------------------------------------------------------------- terms


def test_search_terms_are_letters_and_digits_only() -> None:
    assert search_terms('"Kampa*" OR -budi_santoso (NEAR)') == ("kampa", "or", "budi", "santoso", "near")
    assert search_terms("19850312 201001 1 001") == ("198503122010011001",)  # a NIP with its usual gaps
    assert search_terms("Kámpanye Kampanye") == ("kámpanye", "kampanye")
    assert search_terms("ＫＡＭＰＡ") == ("kampa",)  # full-width letters are letters
    assert search_terms('*** "" -- ()') == ()
    assert len(search_terms(" ".join(f"w{n}" for n in range(40)))) == MAX_TERMS
    assert search_terms(None) == search_terms("") == ()


@given(st.text(max_size=300))
def test_search_terms_never_raise_and_never_carry_syntax(query: str) -> None:
    for term in search_terms(query):
        assert term and all(ch.isalnum() for ch in term)


# ----------------------------------------------------------------------------- the index stays in step


def _post(n: int, body: str, cid: str = "v1") -> PostItem:
    at = datetime(2029, 10, 1, 8, n, tzinfo=UTC)
    return PostItem(platform="bluesky", external_id=f"at://cari/p/{n}", text=body, version=cid,
                    author_handle="cari.bsky.social", posted_at=at, posted_at_raw=at.isoformat(),
                    raw=raw_json({"uri": n, "cid": cid, "text": body}), source_url="http://replay/feed",
                    source="crawl:bluesky")


def _act(account: int, n: int, body: str, cid: str = "v1") -> ActivityItem:
    post = _post(n, body, cid)
    return ActivityItem(platform="bluesky", kind="post", external_id=post.external_id, account_id=account,
                        post=post, text=body)


def test_acts_from_every_write_path_are_indexed_and_follow_edits(db_url: str, tmp_path: Path) -> None:
    account = add_declared(db_url, "bluesky", "cari.bsky.social")
    store = IngestStore(db_url)

    def batch(items: list[ActivityItem]) -> list[bool | None]:
        # The set-wise writer itself: store_batch would quietly fall back to one by one if it failed.
        return store._retrying(lambda s: BatchWriter(store, s, None).store_all(items))

    # The batched ingest (crawls and imports), then one act on its own.
    assert batch([_act(account, 1, "Ayo kampanyeakbar besok"), _act(account, 2, "Rapat dinas biasa")]) == [True, True]
    assert store.ingest_activity(_act(account, 3, "Salam satujari dari alun-alun")).created
    # An importer: a platform's data export, stored by its own batches.
    add_declared(db_url, "x", "sriwahyuning")
    import_export(IMPORTERS["x-archive"], zip_dir(export_fixture("x"), tmp_path / "x.zip"), "sriwahyuning",
                  store=store)
    with session_scope(db_url) as s:
        acts = list(s.scalars(select(Activity)))
        assert len(acts) > 5
        for act in acts:  # every word of every stored act finds it
            for term in search_terms(f"{act.text or ''} {act.context_text or ''}"):
                assert act.id in matching(s, term), (act.id, term)
        ids_by_text = {a.text: a.id for a in acts}
        assert matching(s, "kampanyeak") == {ids_by_text["Ayo kampanyeakbar besok"]}  # a prefix
        assert matching(s, "satujari") == {ids_by_text["Salam satujari dari alun-alun"]}

    # An edited post: the act's text follows, and so does the index.
    batch([_act(account, 1, "Ayo gotongroyong besok", cid="v2")])
    with session_scope(db_url) as s:
        edited = ids_by_text["Ayo kampanyeakbar besok"]
        assert matching(s, "gotongroyong") == {edited}
        assert matching(s, "kampanyeakbar") == set()
        # An act deleted (a retention purge) leaves the index too.
        s.execute(delete(Activity).where(Activity.id == ids_by_text["Salam satujari dari alun-alun"]))
        s.flush()
        assert matching(s, "satujari") == set()


def test_postgresql_search_uses_the_gin_index(pg_url: str) -> None:
    from monitor.db.migrate import upgrade

    upgrade(pg_url)
    with session_factory(pg_url)() as s:
        s.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = text_match("kampa", "postgresql").compile(dialect=s.get_bind().dialect)
        # Bound as the app binds it (the term a parameter): the indexed expression must still be recognised.
        plan = "\n".join(row[0] for row in s.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        assert "ix_activity_search" in plan, plan
        # The configuration is 'simple' (no stemming: "kampanye" stays "kampanye").
        assert s.scalar(text("SELECT to_tsvector('netra_search', 'Berkampanye kampanye')::text")) \
            == "'berkampanye':1 'kampanye':2"


# ----------------------------------------------------------------------------- the queue page and the API


@pytest.fixture
def web(db_url: str) -> WebEnv:
    return make_env(db_url)


def _unaccent(url: str) -> bool:
    """Accents are folded on SQLite always, on PostgreSQL when the unaccent extension could be used."""
    with session_factory(url)() as s:
        if s.get_bind().dialect.name != "postgresql":
            return True
        return s.scalar(text("SELECT to_tsvector('netra_search', 'Kámpanye')::text")) == "'kampanye':1"


def test_index_words_are_every_stored_word_unjoined() -> None:
    assert index_words("Ayo  COBLOS no-1! ayo 19850312 201001") == ("ayo", "coblos", "no", "1", "19850312", "201001")
    assert index_words("🙂 -- ") == ()


def test_text_match_all_needs_every_word_and_can_ask_about_one_act(web: WebEnv) -> None:
    with session_factory(web.url)() as s:
        dialect = s.get_bind().dialect.name
        act = {name: s.get(ReviewItem, web.data.items[name]).activity_id  # type: ignore[union-attr]
               for name in ("budi_post", "budi_like")}

        def hits(*terms: str, act_id: int | None = None) -> set[int]:
            return set(s.scalars(text_match_all(terms, dialect, act_id=act_id)))

        assert act["budi_post"] in hits("ayo", "cobl", "bangkit")  # "Ayo coblos nomor 1! ... Bangkit"
        assert act["budi_post"] not in hits("ayo", "cobl", "hendra")  # one word missing: not found
        assert hits("cobl", act_id=act["budi_post"]) == {act["budi_post"]}
        assert hits("cobl", act_id=act["budi_like"]) == set()
        with pytest.raises(ValueError):
            text_match_all(("ayo", "x*"), dialect)
        with pytest.raises(ValueError):
            text_match_all((), dialect)


def test_search_finds_by_text_name_nip_and_handle(web: WebEnv) -> None:
    items = web.data.items
    admin = web.client("admin")

    def found(q: str, **more: str) -> set[int]:
        response = admin.get("/queue", params={"q": q, **more})
        assert response.status_code == 200, q
        return ids(response.text)

    assert found("kampa") == {items["budi_like"]}  # a prefix of a word of the liked post's text
    assert found("KAMPANYE akbar") == {items["budi_like"]}
    assert found("jari") == {items["budi_deleted"]}
    assert found("Joko") == {items["joko_photo"]}  # a name
    assert found("wulandari") == {items["sari_comment"], items["sari_hostile"]}
    assert found("198503122010011001") == found("19850312 201001 1 001") == {  # a NIP, with or without gaps
        items["budi_post"], items["budi_like"], items["budi_deleted"]}
    assert found("@sari@warga.example") == {items["sari_comment"], items["sari_hostile"]}  # a handle
    assert found("budi jari") == {items["budi_deleted"]}  # every word must match: name and text
    assert found("budi hendra") == set()
    assert found("kampa", kind="post") == set()  # search narrows the other filters, never widens them
    if _unaccent(web.url):
        assert found("Kámpanye") == {items["budi_like"]}
    page = admin.get("/queue", params={"q": "kampa"}).text
    assert 'value="kampa"' in page and "Hasil pencarian" in page
    # Links keep the search: status tabs, sorting and exports carry q.
    assert "q=kampa" in page.split('aria-label="Status"')[1].split("</nav>")[0]
    assert "/export/queue.csv?status=pending&amp;q=kampa" in page


def test_search_keeps_to_the_agency_scope(web: WebEnv) -> None:
    items = web.data.items
    assert ids(web.client("admin").get("/queue", params={"q": "Prasetyo"}).text) == {items["joko_photo"]}
    for q in ("Joko Prasetyo", "198712302019021003", "joko.bsky.social", "Bersama calon"):
        for username in ("auditor_a", "supervisor", "reviewer"):
            page = web.client(username).get("/queue", params={"q": q, "status": "all"})
            assert page.status_code == 200
            assert ids(page.text) == set(), (username, q)
            assert '<span class="count">0</span>' in page.text and "Tirtamulya" not in page.text
    # An auditor of the other agency finds their own.
    assert ids(web.client("auditor_b").get("/queue", params={"q": "Joko"}).text) == {items["joko_photo"]}
    with session_factory(web.url)() as s:
        auditor = user(s, "auditor_a")
        assert filtered_item_ids(s, auditor, QueueFilters(status=None, q="prasetyo")) == []


def test_hostile_search_input_never_raises(web: WebEnv) -> None:
    admin = web.client("admin")
    for q in HOSTILE:
        response = admin.get("/queue", params={"q": q, "status": "all"})
        assert response.status_code == 200, q
        assert "<script>" not in response.text.split('id="queue-q"')[1].split(">")[0]
    response = admin.get("/queue", params={"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200 and "<script>alert(1)</script>" not in response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_any_search_text_is_a_query_not_an_error(web: WebEnv, query: str) -> None:
    with session_factory(web.url)() as s:
        admin = user(s, "admin")
        found = filtered_item_ids(s, admin, QueueFilters(status=None, q=query))
        assert set(found) <= set(web.data.items.values())


def test_the_api_searches_with_the_same_parser(web: WebEnv) -> None:
    with session_factory(web.url)() as s:
        tokens = {name: issue_token(s, name, "tests").token for name in ("reviewer", "auditor_a")}
        s.commit()
    client = web.client()

    def api(username: str, **params: str) -> dict:  # type: ignore[type-arg]
        response = client.get("/api/v1/items", params={"status": "all", **params},
                              headers={"authorization": f"Bearer {tokens[username]}"})
        assert response.status_code == 200, response.text
        return response.json()

    found = api("reviewer", q="kampa")
    assert [i["id"] for i in found["items"]] == [web.data.items["budi_like"]] and found["total"] == 1
    assert api("auditor_a", q="joko")["items"] == []
    assert api("reviewer", q='" * ( : -')["total"] == 5  # nothing left to search by: every item in scope
    too_long = client.get("/api/v1/items", params={"q": "x" * 201},
                          headers={"authorization": f"Bearer {tokens['reviewer']}"})
    assert too_long.status_code == 422


def test_candidate_filter_takes_the_candidates_name(web: WebEnv) -> None:
    items = web.data.items
    admin = web.client("admin")
    k2 = {items["sari_comment"], items["sari_hostile"], items["joko_photo"]}
    k1 = {items["budi_post"], items["budi_like"], items["budi_deleted"]}
    page = admin.get("/queue").text
    # The profile's candidates are offered by name.
    assert '<option value="Hendra Kusuma – Rahmat Hidayatullah">no. 2</option>' in page
    assert '<option value="Sutrisno Wibowo – Dewi Lestari Anggraeni">no. 1</option>' in page
    for name in ("Hendra Kusuma – Rahmat Hidayatullah", "hendra kusuma - rahmat hidayatullah", "Hendra Kusuma",
                 "HERAH"):
        assert ids(admin.get("/queue", params={"candidate": name}).text) == k2, name
    assert ids(admin.get("/queue", params={"candidate": "Sutrisno Wibowo"}).text) == k1
    assert ids(admin.get("/queue", params={"candidate": "k1"}).text) == k1  # an id still works (API, old links)
    assert ids(admin.get("/queue", params={"candidate": "Calon Tak Dikenal"}).text) == set()
    # The table names the candidate instead of showing the id.
    assert "<td data-label=\"Calon\">Hendra Kusuma – Rahmat Hidayatullah</td>" in page


def test_who_may_not_see_identities_searches_the_text_only(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.access import scoping

    items = web.data.items
    monkeypatch.setitem(scoping.PERMISSIONS, "agency_auditor",
                        scoping.PERMISSIONS["agency_auditor"] - {"view_identity"})
    with session_factory(web.url)() as s:
        auditor = user(s, "auditor_a")

        def found(q: str) -> set[int]:
            return set(filtered_item_ids(s, auditor, QueueFilters(status=None, q=q)))

        # A name, a NIP or a handle would tell whose items these are: not searched for this role.
        assert found("Wulandari") == found("199001012015032002") == found("budi.bsky") == set()
        assert found("lanjutkan") == {items["sari_comment"]}
        assert found("Mantap Bang") == {items["sari_comment"]}
