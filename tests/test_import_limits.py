"""Bounded imports (issue 22 §7, issue 17 §1): what one export may make Netra read, hold and store.

The bombs are real ZIP files built in about a second (tests/zip_bombs.py). Memory is measured in a
fresh Python process: its peak RSS (VmHWM, restarted at the current RSS just before the import;
``ru_maxrss`` where that cannot be done) minus its RSS before, because a test process's own earlier
peak would hide the growth.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Activity, CrawlRun, Evidence, QuarantinedRecord
from monitor.db.session import session_scope
from spiders.importers import IMPORTERS, import_export
from spiders.importers.base import (
    ExportError,
    ExportFile,
    ExportTooLarge,
    ImportLimits,
    ImportStats,
    MemberTooLarge,
    Source,
    _Budget,
    read_sources,
    stream_records,
    unmojibake,
)
from spiders.store import IngestStore
from tests.conftest import REPO, export_fixture
from tests.declared import add_declared
from tests.zip_bombs import member, write_zip

X_DATA = export_fixture("x") / "data"
MIB = 1 << 20
# Peak memory an import may add while a bomb sits in its export (measured growth: about 5 MiB, mostly
# SQLAlchemy and the first queries; the 1.5 GB string itself is never held).
RSS_BOUND_MIB = 32
CREATED = "Mon Feb 12 06:45:10 +0000 2024"

MEASURE = """
import json, resource, sys, time
from pathlib import Path
from spiders.importers import IMPORTERS, import_export
from spiders.store import IngestStore


def status(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key + ":"))


url, path, handle = sys.argv[1:4]
store = IngestStore(url)
try:  # Linux: restart the peak-RSS mark (VmHWM) at the current RSS, so the peak below is the import's
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    before, peak = status("VmRSS"), lambda: status("VmHWM")
except OSError:
    before, peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, \
        lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
run_id, stats = import_export(IMPORTERS["x-archive"], Path(path), handle, store=store)
print(json.dumps({"seconds": time.monotonic() - start, "run": run_id, "stored": stats.stored,
                  "rss_growth_mib": (peak() - before) / 1024}))
"""


def _measured_import(url: str, archive: Path, timeout: float = 60) -> dict:
    """Import in a fresh process; its peak memory growth and time. On a runaway import: a failed test."""
    try:
        done = subprocess.run([sys.executable, "-c", MEASURE, url, str(archive), "sriwahyuning"], cwd=REPO,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the import was still running after {timeout} s")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _tweet(tweet_id: str, text: str) -> dict:
    return {"tweet": {"id_str": tweet_id, "created_at": CREATED, "full_text": text, "entities": {}}}


def _run(url: str, run_id: int) -> CrawlRun:
    with session_scope(url) as s:
        return s.get(CrawlRun, run_id)


@pytest.fixture(scope="module")
def string_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.5 MB of ZIP: a tweet whose text is one 1.5 GB string, then a normal tweet, and the usual like.js."""
    head = b'window.YTD.tweets.part0 = [{"tweet":{"id_str":"1","created_at":"' + CREATED.encode() + \
        b'","full_text":"'
    tail = b'"}},' + json.dumps(_tweet("2", "Rapat dinas pagi ini")).encode() + b"]"
    archive = write_zip(tmp_path_factory.mktemp("bomb") / "bomb.zip", [
        member("data/account.js", (X_DATA / "account.js").read_bytes()),
        member("data/tweets.js", head, b"x" * (16 * MIB), 90, tail),
        member("data/like.js", (X_DATA / "like.js").read_bytes()),
    ])
    assert archive.stat().st_size < 2_000_000
    return archive


def test_a_deep_zip_bomb_is_quarantined_in_seconds_in_bounded_memory(sqlite_db: str, string_bomb: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    measured = _measured_import(sqlite_db, string_bomb)
    print(f"\n1.5 GB string in a {string_bomb.stat().st_size / 1e6:.1f} MB zip: {measured['seconds']:.2f} s, "
          f"peak RSS growth {measured['rss_growth_mib']:.1f} MiB")
    assert measured["seconds"] < 10
    assert measured["rss_growth_mib"] < RSS_BOUND_MIB
    run = _run(sqlite_db, measured["run"])
    assert run.status == "partial" and run.quarantined == 1
    assert measured["stored"] == 3  # like.js was read after tweets.js stopped
    assert any("data/tweets.js" in e["error"] and "import_max_record_bytes" in e["error"] for e in run.error_log)
    with session_scope(sqlite_db) as s:
        kept = s.scalar(select(QuarantinedRecord))
        assert kept.url == "archive:data/tweets.js#item[0]"
        assert len(kept.raw) < 70_000 and b'"id_str":"1"' in kept.raw and kept.raw.endswith(b"disimpan]")
        assert "[dipotong: rekaman melebihi 1 MiB" in kept.raw.decode()


@pytest.fixture(scope="module")
def whitespace_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 GB of spaces in like.js (4 MB zipped), beside an intact tweets.js."""
    return write_zip(tmp_path_factory.mktemp("ws") / "ws.zip", [
        member("data/tweets.js", (X_DATA / "tweets.js").read_bytes()),
        member("data/like.js", b"window.YTD.like.part0 = [", b" " * 16_000_000, 250, b"]"),
    ])


@pytest.mark.parametrize("member_limit", [None, 5_000_000_000], ids=["header-refused", "read-window"])
def test_a_4gb_whitespace_zip_bomb_holds(sqlite_db: str, whitespace_bomb: Path, monkeypatch: pytest.MonkeyPatch,
                                         member_limit: int | None) -> None:
    from monitor.config import reset_settings_cache

    if member_limit is not None:  # the header passes: the per-value window must stop the reading
        monkeypatch.setenv("NETRA_IMPORT_MAX_MEMBER_BYTES", str(member_limit))
        monkeypatch.setenv("NETRA_IMPORT_MAX_TOTAL_BYTES", str(member_limit * 2))
        reset_settings_cache()
    add_declared(sqlite_db, "x", "sriwahyuning")
    start = time.monotonic()
    run_id, stats = import_export(IMPORTERS["x-archive"], whitespace_bomb, "sriwahyuning",
                                  store=IngestStore(sqlite_db))
    assert time.monotonic() - start < 10
    assert stats.by_kind.get("post") == 2 and stats.unreadable_files == 1 and stats.status == "partial"
    problem = next(p for p in stats.problems if p.file == "data/like.js" and p.code != "unusable_record")
    assert problem.code == ("member_too_large" if member_limit is None else "record_too_large")
    assert _run(sqlite_db, run_id).status == "partial"


def test_a_header_that_lies_about_the_size_does_not_let_more_through(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    archive = write_zip(tmp_path / "liar.zip", [
        member("data/tweets.js", (X_DATA / "tweets.js").read_bytes()),
        member("data/like.js", b"window.YTD.like.part0 = [", b" " * 16_000_000, 250, b"]"),
    ], claimed_sizes={"data/like.js": 5000})
    start = time.monotonic()
    _, stats = import_export(IMPORTERS["x-archive"], archive, "sriwahyuning", store=IngestStore(sqlite_db))
    assert time.monotonic() - start < 10
    assert stats.stored == 4 and stats.unreadable_files == 1
    assert any("data/like.js" in p.message for p in stats.problems)
    # A file whose size claim lies outside a ZIP (a folder file that grew): the reader itself stops at the limit.
    limits = ImportLimits(total_bytes=10 * MIB, member_bytes=MIB, record_bytes=MIB, field_chars=1000, members=10)
    budget = _Budget(limits)
    liar = ExportFile("data/like.js", lambda: io.BytesIO(b"[" + b"1," * MIB + b"1]"), 10, budget)
    with pytest.raises(MemberTooLarge, match="whatever the archive's header says"):
        for _ in stream_records(liar, {"item"}):
            pass
    # ... and all files together stop at the total, wherever the reading is.
    files = [ExportFile(f"f{i}.json", lambda: io.BytesIO(b'["' + b"x" * 600_000 + b'"]'), 10, budget)
             for i in range(20)]
    with pytest.raises(ExportTooLarge, match="import_max_total_bytes"):
        list(read_sources([Source(f, frozenset({"item"}), lambda s, r, i: []) for f in files], ImportStats()))


def test_files_over_the_total_are_refused_before_anything_is_stored(sqlite_db: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.config import reset_settings_cache

    monkeypatch.setenv("NETRA_IMPORT_MAX_TOTAL_BYTES", "6000")  # tweets.js 5.7 kB + like.js 0.8 kB
    reset_settings_cache()
    add_declared(sqlite_db, "x", "sriwahyuning")
    with pytest.raises(ExportError, match=r"more than the 5\.9 KiB allowed \(import_max_total_bytes\)"):
        import_export(IMPORTERS["x-archive"], export_fixture("x"), "sriwahyuning", store=IngestStore(sqlite_db))
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count(CrawlRun.id))) == 0 and s.scalar(select(func.count(Activity.id))) == 0


def test_an_archive_listing_too_many_files_is_refused(sqlite_db: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from monitor.config import reset_settings_cache

    monkeypatch.setenv("NETRA_IMPORT_MAX_MEMBERS", "50")
    reset_settings_cache()
    add_declared(sqlite_db, "x", "sriwahyuning")
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(X_DATA / "tweets.js", "data/tweets.js")
        for i in range(60):
            zf.writestr(f"data/tweets_media/{i}.jpg", b"")
    with pytest.raises(ExportError, match="lists 61 files, more than the 50 allowed"):
        import_export(IMPORTERS["x-archive"], archive, "sriwahyuning", store=IngestStore(sqlite_db))


def test_long_text_is_cut_with_a_marker_in_the_act_and_its_evidence(db_url: str, tmp_path: Path) -> None:
    add_declared(db_url, "x", "sriwahyuning")
    data = tmp_path / "long" / "data"
    data.mkdir(parents=True)
    long_text = "Ayo dukung calon nomor 2! " + "a" * 299_974  # 300,000 characters, a 300 kB record
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps([_tweet("77", long_text)]))
    run_id, stats = import_export(IMPORTERS["x-archive"], tmp_path / "long", "sriwahyuning",
                                  store=IngestStore(db_url))
    assert stats.stored == 1 and stats.truncated_fields == 1 and stats.status == "succeeded"
    marker = "… [dipotong: 200000 karakter]"
    with session_scope(db_url) as s:
        act = s.scalar(select(Activity))
        assert act.text == long_text[:100_000] + marker
        evidence = s.scalar(select(Evidence).where(Evidence.id == act.evidence_id))
        assert marker in json.loads(evidence.raw)["full_text"] and len(evidence.raw) < 110_000
        assert s.get(CrawlRun, run_id).stats["truncated_fields"] == 1


def test_bytes_that_are_not_utf8_do_not_end_the_file(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    data = tmp_path / "bad-utf8" / "data"
    data.mkdir(parents=True)
    body = json.dumps([_tweet("5", "rusak: @@"), _tweet("6", "utuh")]).encode().replace(b"@@", b"\xff\xfe")
    (data / "tweets.js").write_bytes(b"\xef\xbb\xbfwindow.YTD.tweets.part0 = " + body)
    _, stats = import_export(IMPORTERS["x-archive"], tmp_path / "bad-utf8", "sriwahyuning",
                             store=IngestStore(sqlite_db))
    assert stats.stored == 2 and stats.status == "succeeded"
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(Activity.text).where(Activity.external_id == "5")) == "rusak: \ufffd\ufffd"


def test_a_cut_field_is_still_repaired_from_mojibake() -> None:
    emoji = "\u00f0\u009f\u0094\u00a5"  # 🔥, written byte by byte as Meta does
    assert unmojibake("Semangat " + emoji + "… [dipotong: 12 karakter]") == "Semangat 🔥… [dipotong: 12 karakter]"
    # Cut in the middle of a character's bytes: the whole characters before the cut are repaired.
    assert unmojibake("Semangat " + emoji[:2] + "… [dipotong: 12 karakter]") == "Semangat … [dipotong: 12 karakter]"


def test_deeply_nested_records_are_quarantined(sqlite_db: str, tmp_path: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    data = tmp_path / "deep" / "data"
    data.mkdir(parents=True)
    deep = '{"tweet": {"id_str": "9", "entities": ' + "[" * 5000 + "]" * 5000 + "}}"
    (data / "tweets.js").write_text(f"[{deep}, {json.dumps(_tweet('10', 'utuh'))}]")
    _, stats = import_export(IMPORTERS["x-archive"], tmp_path / "deep", "sriwahyuning", store=IngestStore(sqlite_db))
    assert (stats.stored, stats.quarantined) == (1, 1)
    assert "nested deeper than 64 levels" in stats.problems[0].message
    shutil.rmtree(tmp_path / "deep")
