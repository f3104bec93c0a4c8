"""Self-audit importers: X archive, Instagram, TikTok and Facebook exports."""

from __future__ import annotations

import json
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Activity, CrawlRun, Evidence, Post
from monitor.db.session import session_scope
from spiders.importers import IMPORTERS, import_export
from spiders.importers.base import ExportError, open_export, stream_records, unmojibake
from spiders.importers.run import OwnerMismatch
from spiders.store import IngestStore
from tests.conftest import export_fixture
from tests.declared import add_declared


def zip_dir(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(src.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(src))
    return dest


def acts(url: str) -> list[tuple[str, str, str | None]]:
    with session_scope(url) as s:
        return [(a.kind, a.text or "", a.context_text) for a in s.scalars(select(Activity).order_by(Activity.id))]


def test_x_archive_zip_imports_every_act_once(db_url: str, tmp_path: Path) -> None:
    add_declared(db_url, "x", "sriwahyuning")
    archive = zip_dir(export_fixture("x"), tmp_path / "twitter-2024.zip")
    store = IngestStore(db_url)
    run_id, stats = import_export(IMPORTERS["x-archive"], archive, "@SriWahyuning", store=store, received_by="BKPSDM")
    assert stats.by_kind == {"post": 2, "comment": 1, "share": 1, "like": 3}
    assert stats.problems == [] and stats.skipped == 0 and stats.status == "succeeded"
    rows = acts(db_url)
    share = next(r for r in rows if r[0] == "share")
    assert share[1] == "" and share[2] and share[2].endswith("…")
    reply = next(r for r in rows if r[0] == "comment")
    assert not reply[1].startswith("@") and "&amp;" not in reply[1]
    deleted_like = [r for r in rows if r[0] == "like" and r[2] is None]
    assert len(deleted_like) == 1  # like.js entry without fullText: deleted or protected tweet

    with session_scope(db_url) as s:
        assert all(a.self_audit for a in s.scalars(select(Activity)))
        assert s.scalar(select(func.count(Evidence.id))) >= 7
        run = s.get(CrawlRun, run_id)
        assert run.status == "succeeded" and run.items_stored == 7
        assert run.stats["export_sha256"] == stats.export_sha256 and run.stats["received_by"] == "BKPSDM"

    _, again = import_export(IMPORTERS["x-archive"], archive, "sriwahyuning", store=store)
    assert (again.stored, again.unchanged) == (0, 7)
    assert len(acts(db_url)) == 7


def test_tweets_js_without_ytd_wrapper(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    folder = tmp_path / "arch" / "data"
    folder.mkdir(parents=True)
    text = (export_fixture("x") / "data" / "tweets.js").read_text(encoding="utf-8")
    (folder / "tweets.js").write_text(text[text.index("[") :], encoding="utf-8")
    _, stats = import_export(IMPORTERS["x-archive"], tmp_path / "arch", "sriwahyuning", store=IngestStore(sqlite_db))
    assert stats.stored == 4


def test_edited_tweet_is_one_post_with_two_evidence_versions(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    base = {"created_at": "Mon Feb 12 06:45:10 +0000 2024", "lang": "in", "entities": {}}
    v1 = {**base, "id_str": "100", "full_text": "Rapat jam 2", "edit_info": {"initial": {"editTweetIds": ["100"]}}}
    v2 = {**base, "id_str": "101", "full_text": "Rapat jam 3",
          "edit_info": {"initial": {"editTweetIds": ["100", "101"]}}}
    data = tmp_path / "a" / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps([{"tweet": v1}, {"tweet": v2}]))
    import_export(IMPORTERS["x-archive"], tmp_path / "a", "sriwahyuning", store=IngestStore(sqlite_db))
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count(Post.id))) == 1
        versions = s.scalars(select(Evidence.version).where(Evidence.subject_key == "x:post:100")).all()
        assert sorted(versions) == [1, 2]
        assert s.scalar(select(Activity.text)) == "Rapat jam 3"


def test_instagram_mojibake_and_both_like_shapes(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "instagram", "sri.w")
    _, stats = import_export(IMPORTERS["instagram"], export_fixture("instagram"), "sri.w", store=IngestStore(sqlite_db))
    assert stats.by_kind == {"comment": 3, "like": 3}
    texts = [t for k, t, _ in acts(sqlite_db) if k == "comment"]
    assert any("🔥🔥" in t for t in texts)
    assert any("“Enak banget”" in t for t in texts)
    assert not any("\u00f0" in t for t in texts)

    # The newer top-level list with label_values, in its own export.
    variant = tmp_path / "ig2" / "your_instagram_activity" / "likes"
    variant.mkdir(parents=True)
    shutil.copy(export_fixture("instagram") / "your_instagram_activity/likes/liked_posts.label_values_variant.json",
                variant / "liked_posts.json")
    add_declared(sqlite_db, "instagram", "budi.s", nip="199001152015032002")
    _, stats2 = import_export(IMPORTERS["instagram"], tmp_path / "ig2", "budi.s", store=IngestStore(sqlite_db))
    assert stats2.by_kind.get("like", 0) >= 2
    with session_scope(sqlite_db) as s:
        owners = set(s.scalars(select(Post.author_handle).where(Post.external_id == "DCk3vQbSx9L")))
    assert owners == {"sutrisnowibowo.official"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("user_data.json", {"like": 2, "comment": 2, "post": 1}),
        ("user_data_tiktok.variant_2025.json", {"like": 1, "comment": 1, "post": 1}),
    ],
)
def test_tiktok_layouts(sqlite_db: str, tmp_path: Path, name: str, expected: dict[str, int]) -> None:
    add_declared(sqlite_db, "tiktok", "yohana.simanjuntak")
    folder = tmp_path / "tt"
    folder.mkdir()
    shutil.copy(export_fixture("tiktok") / name, folder / ("user_data_tiktok.json" if "variant" in name else name))
    _, stats = import_export(IMPORTERS["tiktok"], folder, "yohana.simanjuntak", store=IngestStore(sqlite_db),
                             ignore_owner=True)
    assert stats.by_kind == expected  # favourites (bookmarks) are not likes
    assert stats.skipped == 0 and stats.status == "succeeded"


FB_POSTS = [
    {"timestamp": 1732190673, "data": [{"post": "Apel pagi di kantor camat \u00f0\u009f\u0099\u008f"}],
     "attachments": [{"data": [{"media": {"uri": "photos/1.jpg", "description": "Pegawai berbaris"}}]}]},
    {"timestamp": 1732190999, "data": [{"post": "Ayo coblos nomor 1!"}]},
]
FB_COMMENTS = {"comments_v2": [{"timestamp": 1732191000, "title": "Yohana commented on Sutrisno's post.",
                                "data": [{"comment": {"timestamp": 1732191000,
                                                      "comment": "Mantap pak \u00e2\u0080\u009csiap\u00e2\u0080\u009d",
                                                      "author": "Yohana"}}]}]}
FB_LIKES = [{"timestamp": 1732191100, "data": [{"reaction": {"reaction": "LIKE", "actor": "Yohana"}}],
             "title": "Yohana likes Sutrisno Wibowo's post."}]


def test_facebook_export(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "facebook", "yohana.s")
    root = tmp_path / "fb" / "your_facebook_activity"
    (root / "posts").mkdir(parents=True)
    (root / "comments_and_reactions").mkdir()
    (root / "posts" / "your_posts__check_ins__photos_and_videos_1.json").write_text(json.dumps(FB_POSTS))
    (root / "comments_and_reactions" / "comments.json").write_text(json.dumps(FB_COMMENTS))
    (root / "comments_and_reactions" / "likes_and_reactions_1.json").write_text(json.dumps(FB_LIKES))
    archive = zip_dir(tmp_path / "fb", tmp_path / "facebook.zip")
    _, stats = import_export(IMPORTERS["facebook"], archive, "yohana.s", store=IngestStore(sqlite_db))
    assert stats.by_kind == {"photo": 1, "post": 1, "comment": 1, "like": 1}
    rows = acts(sqlite_db)
    photo = next(r for r in rows if r[0] == "photo")
    assert photo[1] == "Apel pagi di kantor camat 🙏\nAlt: Pegawai berbaris"
    comment = next(r for r in rows if r[0] == "comment")
    assert comment[1] == "Mantap pak “siap”" and comment[2] == "Yohana commented on Sutrisno's post."


def test_wrong_platform_and_corrupt_archives(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    store = IngestStore(sqlite_db)
    ig_zip = zip_dir(export_fixture("instagram"), tmp_path / "instagram.zip")
    with pytest.raises(ExportError, match="is this an X archive"):
        import_export(IMPORTERS["x-archive"], ig_zip, "sriwahyuning", store=store)
    corrupt = tmp_path / "broken.zip"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(ExportError, match="not a ZIP archive|corrupt ZIP"):
        import_export(IMPORTERS["x-archive"], corrupt, "sriwahyuning", store=store)
    with pytest.raises(ExportError, match="no declared x account 'nobody'"):
        import_export(IMPORTERS["x-archive"], ig_zip, "nobody", store=store)
    assert acts(sqlite_db) == []


def test_owner_mismatch_is_refused(sqlite_db: str) -> None:
    add_declared(sqlite_db, "x", "someoneelse")
    with pytest.raises(OwnerMismatch, match="belongs to 'SriWahyuning'"):
        import_export(IMPORTERS["x-archive"], export_fixture("x"), "someoneelse", store=IngestStore(sqlite_db))
    assert acts(sqlite_db) == []


def test_truncated_file_keeps_what_was_read_and_counts_the_error(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    data = tmp_path / "t" / "data"
    data.mkdir(parents=True)
    full = (export_fixture("x") / "data" / "like.js").read_text(encoding="utf-8")
    (data / "like.js").write_text(full[: full.index('"tweetId" : "1751938237856705546"')], encoding="utf-8")
    run_id, stats = import_export(IMPORTERS["x-archive"], tmp_path / "t", "sriwahyuning", store=IngestStore(sqlite_db))
    assert stats.stored == 2
    assert any("malformed or truncated" in e for e in stats.messages)
    with session_scope(sqlite_db) as s:
        run = s.get(CrawlRun, run_id)
        assert run.errors == 1 and "like.js" in run.error_log[0]["error"]
        assert run.status == "partial"  # not everything in the export was read
    # Importing the complete file later adds only the missing like.
    (data / "like.js").write_text(full, encoding="utf-8")
    _, stats2 = import_export(IMPORTERS["x-archive"], tmp_path / "t", "sriwahyuning", store=IngestStore(sqlite_db))
    assert (stats2.stored, stats2.unchanged) == (1, 2)


def test_unmojibake() -> None:
    assert unmojibake("\u00f0\u009f\u0094\u00a5") == "🔥"
    assert unmojibake("\u00e2\u0080\u009cEnak banget\u00e2\u0080\u009d") == "“Enak banget”"
    assert unmojibake("Sudah benar: café ✓") == "Sudah benar: café ✓"
    assert unmojibake("plain ascii") == "plain ascii"


def test_large_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    """A ~100 MB like.js inside a ZIP is read with a small, flat memory peak."""
    like_text = "Kampanye akbar di lapangan sore ini, terima kasih relawan! " * 12
    archive = tmp_path / "big.zip"
    n = 140_000
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("data/like.js", "w") as fh:
        fh.write(b"window.YTD.like.part0 = [\n")
        for i in range(n):
            rec = {"like": {"tweetId": str(1750000000000000000 + i), "fullText": like_text,
                            "expandedUrl": f"https://twitter.com/i/web/status/{i}"}}
            fh.write(json.dumps(rec, indent=2).encode() + (b",\n" if i < n - 1 else b"\n"))
        fh.write(b"]")
    with open_export(archive) as export:
        file = export.find("like.js")[0]
        size_mb = file.size / 1e6
        tracemalloc.start()
        count = sum(1 for _ in stream_records(file, {"item"}, js_wrapper=True))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert count == n
    assert size_mb > 90
    print(f"\nstreamed {size_mb:.0f} MB like.js ({count} likes): peak traced memory {peak / 1e6:.1f} MB")
    assert peak < 20e6, f"peak {peak / 1e6:.1f} MB for a {size_mb:.0f} MB export"


# ---------------------------------------------------------------- issue 22: nothing lost silently

X_DATA = export_fixture("x") / "data"


def _ytd(name: str, records: list) -> str:
    return f"window.YTD.{name}.part0 = " + json.dumps(records, indent=2, ensure_ascii=False)


def _fixture_records(name: str) -> list:
    text = (X_DATA / name).read_text(encoding="utf-8")
    return json.loads(text[text.index("[") :])


def _x_folder(root: Path, *, tweets: list | None = None, likes: list | None = None) -> Path:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(X_DATA / "account.js", data / "account.js")
    (data / "tweets.js").write_text(_ytd("tweets", tweets if tweets is not None else _fixture_records("tweets.js")),
                                    encoding="utf-8")
    (data / "like.js").write_text(_ytd("like", likes if likes is not None else _fixture_records("like.js")),
                                  encoding="utf-8")
    return root


def _corrupt_member(archive: Path, name: str, damage: bytes = b"\0" * 16) -> None:
    """Spoil the deflate data in the middle of one member (a disk or download error)."""
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(name)
    raw = bytearray(archive.read_bytes())
    name_len, extra_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little"), \
        int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    raw[middle : middle + len(damage)] = damage
    archive.write_bytes(bytes(raw))


def _run(url: str, run_id: int) -> CrawlRun:
    with session_scope(url) as s:
        return s.get(CrawlRun, run_id)


def _quarantined(url: str) -> list:
    from monitor.db.schema import QuarantinedRecord

    with session_scope(url) as s:
        return [(q.url, q.error, q.raw, q.crawl_run_id)
                for q in s.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id))]


@pytest.mark.parametrize(("broken", "damage", "error"), [
    pytest.param("data/tweets.js", b"\0" * 16, "while decompressing data", id="zlib-error-in-tweets"),
    pytest.param("data/like.js", b"\xff" * 16, "Bad CRC-32", id="crc-error-in-likes"),  # inflates to wrong bytes
])
def test_a_corrupt_member_is_an_error_naming_it_and_the_other_files_are_read(db_url: str, tmp_path: Path,
                                                                             broken: str, damage: bytes,
                                                                             error: str) -> None:
    add_declared(db_url, "x", "sriwahyuning")
    archive = zip_dir(export_fixture("x"), tmp_path / "x.zip")
    _corrupt_member(archive, broken, damage)
    store = IngestStore(db_url)
    run_id, stats = import_export(IMPORTERS["x-archive"], archive, "sriwahyuning", store=store)
    other = {"data/tweets.js": "like", "data/like.js": "post"}[broken]
    assert stats.by_kind.get(other), stats.by_kind  # the file after (or before) the broken one was read
    assert stats.unreadable_files == 1 and stats.status == "partial"
    run = _run(db_url, run_id)
    assert run.status == "partial" and run.errors >= 1
    assert any(broken in e["error"] and error in e["error"] for e in run.error_log), run.error_log
    # Importing the intact export afterwards stores exactly the acts that were missing.
    before = len(acts(db_url))
    good = zip_dir(export_fixture("x"), tmp_path / "x-good.zip")
    _, again = import_export(IMPORTERS["x-archive"], good, "sriwahyuning", store=store)
    assert again.status == "succeeded"
    assert (again.stored, again.unchanged) == (7 - before, before)
    assert len(acts(db_url)) == 7


def test_odd_fields_are_read_leniently(db_url: str, tmp_path: Path) -> None:
    add_declared(db_url, "x", "sriwahyuning")
    tweets = _fixture_records("tweets.js")
    tweets[0]["tweet"]["entities"]["hashtags"] = [None]
    tweets[1]["tweet"]["entities"]["user_mentions"] = [None, 7, {"screen_name": None}]
    tweets[2]["tweet"]["entities"]["urls"] = "not a list"
    tweets[3]["tweet"]["display_text_range"] = [None, "x"]
    tweets[3]["tweet"]["extended_entities"] = None
    likes = _fixture_records("like.js")
    likes[0]["like"]["fullText"] = {"unexpected": "object"}
    likes[1]["like"]["expandedUrl"] = None
    folder = _x_folder(tmp_path / "odd", tweets=tweets, likes=likes)
    run_id, stats = import_export(IMPORTERS["x-archive"], folder, "sriwahyuning", store=IngestStore(db_url))
    assert stats.by_kind == {"post": 2, "comment": 1, "share": 1, "like": 3}
    assert stats.status == "succeeded" and stats.problem_count == 0
    assert _run(db_url, run_id).status == "succeeded"


def test_unusable_records_are_quarantined_raw_and_the_import_goes_on(db_url: str, tmp_path: Path) -> None:
    add_declared(db_url, "x", "sriwahyuning")
    good_tweets, good_likes = _fixture_records("tweets.js"), _fixture_records("like.js")
    no_id = {"tweet": {"full_text": "tanpa id", "created_at": "Mon Feb 12 06:45:10 +0000 2024"}}
    bad_time = {"tweet": {"id_str": "42", "full_text": "jam rusak", "created_at": "kemarin"}}
    not_object = {"tweet": "just text"}
    bad_like = {"like": {"tweetId": None, "fullText": "x"}}
    tweets = [no_id, good_tweets[0], bad_time, good_tweets[1], not_object, *good_tweets[2:]]
    likes = [good_likes[0], bad_like, *good_likes[1:]]
    folder = _x_folder(tmp_path / "bad", tweets=tweets, likes=likes)
    store = IngestStore(db_url)
    run_id, stats = import_export(IMPORTERS["x-archive"], folder, "sriwahyuning", store=store)
    assert stats.stored == 7 and stats.quarantined == 4 and stats.status == "partial"
    run = _run(db_url, run_id)
    assert (run.status, run.quarantined, run.items_stored) == ("partial", 4, 7)
    kept = _quarantined(db_url)
    assert [q[0] for q in kept] == ["archive:data/tweets.js#item[0]", "archive:data/tweets.js#item[2]",
                                    "archive:data/tweets.js#item[4]", "archive:data/like.js#item[1]"]
    assert all(q[3] == run_id for q in kept)
    assert "without a numeric id_str" in kept[0][1] and b"tanpa id" in kept[0][2]
    assert "unreadable created_at" in kept[1][1] and json.loads(kept[1][2])["tweet"]["created_at"] == "kemarin"
    # The export repaired: nothing new, nothing twice.
    _, again = import_export(IMPORTERS["x-archive"], _x_folder(tmp_path / "fixed"), "sriwahyuning", store=store)
    assert (again.stored, again.unchanged, again.status) == (0, 7, "succeeded")
    assert len(acts(db_url)) == 7


def test_netra_import_exits_non_zero_with_a_summary_when_anything_was_skipped(sqlite_db: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app

    add_declared(sqlite_db, "x", "sriwahyuning")
    folder = _x_folder(tmp_path / "t")
    full = (folder / "data" / "like.js").read_text(encoding="utf-8")
    (folder / "data" / "like.js").write_text(full[: len(full) // 2], encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "x-archive", str(folder), "--account", "sriwahyuning"])
    out = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "import partial:" in out and "1 file(s) not read to the end" in out and "data/like.js" in out
    clean = _x_folder(tmp_path / "clean")
    ok = CliRunner().invoke(app, ["import", "x-archive", str(clean), "--account", "sriwahyuning"])
    assert ok.exit_code == 0, ok.output
    assert "(succeeded)" in ok.output


def test_tiktok_user_data_json_on_its_own(db_url: str, tmp_path: Path) -> None:
    add_declared(db_url, "tiktok", "yohana.simanjuntak")
    bare = tmp_path / "user_data.json"
    shutil.copy(export_fixture("tiktok") / "user_data.json", bare)
    _, stats = import_export(IMPORTERS["tiktok"], bare, "yohana.simanjuntak", store=IngestStore(db_url),
                             ignore_owner=True)
    assert stats.by_kind == {"like": 2, "comment": 2, "post": 1} and stats.status == "succeeded"
    assert stats.files_read == ["user_data.json"]
    # A bare file of another kind is still no export.
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(ExportError, match="not a ZIP archive, folder or JSON file"):
        import_export(IMPORTERS["tiktok"], other, "yohana.simanjuntak", store=IngestStore(db_url))


def test_paths_that_leave_the_export_are_refused(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    store = IngestStore(sqlite_db)
    for evil in ("../../data/tweets.js", "/etc/data/tweets.js", "data/../../tweets.js"):
        archive = tmp_path / "evil.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.write(X_DATA / "tweets.js", "data/tweets.js")
            zf.writestr(evil, (X_DATA / "tweets.js").read_bytes())
        with pytest.raises(ExportError, match="unsafe path"):
            import_export(IMPORTERS["x-archive"], archive, "sriwahyuning", store=store)
    folder = tmp_path / "linked" / "data"
    folder.mkdir(parents=True)
    outside = tmp_path / "secret.js"
    outside.write_text((X_DATA / "tweets.js").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "tweets.js").symlink_to(outside)
    with pytest.raises(ExportError, match="links outside the export folder"):
        import_export(IMPORTERS["x-archive"], tmp_path / "linked", "sriwahyuning", store=store)
    assert acts(sqlite_db) == []
    assert not (tmp_path.parent / "data").exists()
