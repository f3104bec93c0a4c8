"""Time the review queue page and the item page on 100,000 review items, on SQLite and on PostgreSQL.

    .venv/bin/python bench/queue_page.py [--items 100000] [--repeat 7] [--pg URL | --no-pg]

For each backend: a fresh database (every migration, so the full-text index of 0015 is there), then
bulk-inserted registry/posts/activities/classifications/review items. The acts carry generated Indonesian
text (a vocabulary drawn with Zipf weights, plus two marker words placed at a known rate: a rare one in
about 0.1 % of the acts and a common one in about 10 %); employees have Indonesian names. The inserts are
plain multi-row INSERTs into ``activity``: the SQLite FTS5 triggers and the PostgreSQL GIN index fill the
search index exactly as they do for the crawler's writes, and the bench checks that every act holding a
marker is found by the search (``monitor.db.search.text_match``) before it times anything. 500 accounts
share one candidate's post and 100 post one slogan (identical acts: the bulk form on the item page).

Then the queue page through the real app (Starlette TestClient, signed in as an admin, as a supervisor
scoped to 5 of 20 agencies, and as an admin with saved filters): the first page, filtered pages, a deep
page (keyset cursor at 90% of the pending items), searches (rare word, common word, a name, a NIP, a
search under filters, a scoped search), and the item page of one of the 500 identical shares, of one of
the slogan's copies and of an ordinary post. Baselines measured in the same run: the counts query alone,
the deep page's SQL with OFFSET instead of the keyset, and the first page with the queue indexes dropped.
Times are medians in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from monitor.access.users import create_user, get_user  # noqa: E402
from monitor.config import Settings  # noqa: E402
from monitor.db.migrate import upgrade  # noqa: E402
from monitor.db.schema import (  # noqa: E402
    Account,
    Activity,
    Agency,
    Classification,
    ElectionProfile,
    Employee,
    ItemComment,
    Post,
    ReviewItem,
)
from monitor.db.scratch import scratch_database  # noqa: E402
from monitor.db.search import text_match  # noqa: E402
from monitor.db.session import engine_for, session_factory  # noqa: E402
from monitor.review.queue import Cursor, QueueFilters, compute_priority, filtered_query, status_counts  # noqa: E402
from monitor.review.saved_filters import save_filter  # noqa: E402

AGENCIES = 20
EMPLOYEES = 5000
POSTS = 3000  # candidates' and parties' posts that acts like, share and comment on
VIRAL_SHARES = 500  # accounts sharing one post: identical acts
SLOGAN_COPIES = 100  # own posts of one slogan, in other case and spacing: identical acts found by their words
SLOGAN = "Ayo coblos nomor 2! Hasan Basri dan Melati untuk kabupaten yang maju #NomorUrut2"
PASSWORD = "bench-password-123"
KINDS = ("post", "share", "comment", "like", "photo")
PLATFORMS = ("bluesky", "mastodon", "x", "instagram", "facebook")
STATUSES = ("pending",) * 14 + ("clarification",) * 2 + ("escalated",) + ("decided",) * 3
CHUNK = 10_000

# Marker words placed at a known rate. Neither is a prefix of (nor starts with) any other word, name or
# handle generated here, so the search's prefix match finds exactly the acts that hold them.
RARE_WORD, RARE_RATE = "swasembada", 0.001
COMMON_WORD, COMMON_RATE = "relawan", 0.10
VOCABULARY = """
yang dan di ke dari untuk dengan ini itu pada adalah dalam tidak akan juga sudah bisa kita kami mereka
ada saya anda semua lebih harus masih hari ini besok kemarin warga rakyat daerah kabupaten kota provinsi
desa kecamatan pemerintah pembangunan jalan jembatan sekolah rumah sakit pasar petani nelayan guru buruh
pemuda ibu bapak anak keluarga bersama maju sejahtera adil makmur bersih jujur amanah tegas peduli kerja
nyata program janji visi misi calon pasangan nomor urut pilih coblos suara tps pemilu pilkada kampanye
debat survei menang dukung dukungan partai koalisi tim pemenangan deklarasi sosialisasi blusukan
silaturahmi pengajian tabligh akbar konser rakyat jalan sehat senam gotong royong bakti sosial sembako
bantuan beasiswa kesehatan pendidikan ekonomi lapangan pekerjaan investasi infrastruktur listrik air
irigasi pupuk harga beras minyak gas murah mahal naik turun korupsi transparan birokrasi pelayanan publik
perizinan digital internet sinyal wisata budaya adat agama toleransi persatuan bangsa negara merah putih
indonesia nusantara pancasila konstitusi demokrasi netral netralitas asn aparatur pegawai dinas kantor
bupati gubernur walikota wakil ketua anggota dewan dprd legislatif eksekutif hebat luar biasa terbaik
pilihan tepat bukti bukan janji ayo mari jangan lupa datang hadir ramaikan semangat terima kasih salam
sukses lanjutkan perubahan baru muda milenial perempuan lansia disabilitas umkm koperasi pasar tradisional
""".split()
FIRST_NAMES = """Agus Budi Citra Dewi Eko Fitri Gita Hadi Indah Joko Kartika Lestari Made Nur Putu Rahmat Sari
Taufik Umar Wahyu Yuni Zainal Ahmad Bambang Dian Endang Fajar Hendra Ika Kadek Lina Maya Novi Oka Purnama
Rina Siti Tri Utami Vina Wulan Yusuf Andi Bayu Cahya Dedi Erna Faisal Gilang Hesti""".split()
LAST_NAMES = """Santoso Wijaya Saputra Lestari Hidayat Kusuma Nugroho Pratama Siregar Simanjuntak Nasution Harahap
Lubis Pane Tanjung Sinaga Manurung Pardede Situmorang Hutapea Wibowo Susanto Gunawan Setiawan Hartono Purnomo
Utomo Rahayu Wulandari Permana Suryadi Maulana Ramadhan Firmansyah Kurniawan Syahputra Hakim Fauzi Anwar
Rosyid Mahendra Adiputra Sembiring Ginting Tarigan Sitepu Barus Tambunan Panjaitan Sihombing""".split()
PROFILE_YAML = """\
id: bench-2029
name: Pilkada Bench 2029
level: bupati
determination_date: 2029-09-22
campaign_start: 2029-09-25
campaign_end: 2029-11-24
candidates:
  - id: k1
    number: 1
    names: [Sutrisno Wibowo, Dewi Lestari Anggraeni]
  - id: k2
    number: 2
    names: [Hasan Basri, Melati Kusumawardani]
  - id: k3
    number: 3
    names: [Yohanes Siahaan, Ratna Komalasari]
"""


@dataclass
class Seeded:
    """What the timed cases need to know about the data set."""

    seconds: float = 0.0
    with_word: dict[str, int] = field(default_factory=dict)  # acts holding each marker word
    viral_item_ids: list[int] = field(default_factory=list)
    slogan_item_ids: list[int] = field(default_factory=list)
    ordinary_item_id: int = 0
    # The ordinary item's employee: first and last name (shared by two employees: 50 x 50 names), and NIP.
    employee_name: str = ""
    employee_nip: str = ""


def _nip(i: int) -> str:
    birth = date(1965, 1, 1) + timedelta(days=i)
    return f"{birth:%Y%m%d}200001{1 + i % 2}{i % 1000:03d}"


def _name(e: int) -> str:
    return f"{FIRST_NAMES[e % len(FIRST_NAMES)]} {LAST_NAMES[e * 7 // len(FIRST_NAMES) % len(LAST_NAMES)]}"


class Words:
    """Act texts: 6 to 24 words with Zipf weights, a hashtag now and then, and the two markers at their rates."""

    def __init__(self, rng: random.Random) -> None:
        for word in (*VOCABULARY, *(n.lower() for n in (*FIRST_NAMES, *LAST_NAMES))):
            assert not word.startswith((RARE_WORD, COMMON_WORD)), word
        self.rng = rng
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(VOCABULARY))]

    def text(self) -> str:
        words = self.rng.choices(VOCABULARY, self.weights, k=self.rng.randint(6, 24))
        for marker, rate in ((RARE_WORD, RARE_RATE), (COMMON_WORD, COMMON_RATE)):
            if self.rng.random() < rate:
                words.insert(self.rng.randrange(len(words) + 1), marker)
        if self.rng.random() < 0.3:
            words.append(self.rng.choice(("#Pilkada2029", "#AyoMemilih", "#KampanyeDamai", "#NomorUrut2")))
        return " ".join(words)


def seed(url: str, n_items: int) -> Seeded:
    """Bulk-insert the data set."""
    rng = random.Random(20291127)
    words = Words(rng)
    out = Seeded()
    started = time.perf_counter()
    engine = engine_for(url)
    now = datetime.now(UTC)
    campaign = (date(2029, 9, 25), date(2029, 11, 24))
    counted = {RARE_WORD: 0, COMMON_WORD: 0}

    def count(*texts: str | None) -> None:
        held = set(" ".join(t for t in texts if t).split())
        for marker in counted:
            counted[marker] += marker in held

    # One of every 200 items is a share of post 1, up to VIRAL_SHARES of them, each by a different account.
    viral_every = max(2, n_items // VIRAL_SHARES)
    viral_accounts = rng.sample(range(EMPLOYEES), min(VIRAL_SHARES, EMPLOYEES))
    slogan_every = max(2, n_items // SLOGAN_COPIES)
    with engine.begin() as conn:
        conn.execute(insert(ElectionProfile), [{
            "id": "bench-2029", "name": "Pilkada Bench 2029", "determination_date": date(2029, 9, 22),
            "campaign_start": campaign[0], "campaign_end": campaign[1], "voting_day": date(2029, 11, 28),
            "source_yaml": PROFILE_YAML, "active": True, "loaded_at": now}])
        conn.execute(insert(Agency), [{"id": a + 1, "code": f"AG-{a + 1:02d}", "name": f"Instansi {a + 1:02d}",
                                       "created_at": now} for a in range(AGENCIES)])
        conn.execute(insert(Employee), [{
            "id": e + 1, "nip": _nip(e), "name": _name(e), "agency_id": e % AGENCIES + 1,
            "unit": "Unit", "position": "Staf", "status": "PNS", "created_at": now, "updated_at": now}
            for e in range(EMPLOYEES)])
        conn.execute(insert(Account), [{
            "id": e + 1, "employee_id": e + 1, "platform": PLATFORMS[e % len(PLATFORMS)],
            "handle": f"{_name(e).replace(' ', '.').lower()}{e % 97}", "state": "active",
            "created_at": now, "updated_at": now} for e in range(EMPLOYEES)])
        post_texts = [words.text() for _ in range(POSTS)]
        conn.execute(insert(Post), [{
            "id": p + 1, "platform": PLATFORMS[p % len(PLATFORMS)], "external_id": f"post-{p + 1}",
            "author_handle": f"calon{p % 3 + 1}", "text": post_texts[p], "first_seen_at": now, "last_seen_at": now}
            for p in range(POSTS)])
        popularity = [1 / (rank + 1) for rank in range(POSTS)]
        start_day = datetime(2029, 8, 1, tzinfo=UTC)
        for base in range(0, n_items, CHUNK):
            acts, classes, items = [], [], []
            for i in range(base + 1, min(base + CHUNK, n_items) + 1):
                viral = i % viral_every == 0 and len(out.viral_item_ids) < len(viral_accounts)
                slogan = (not viral and i % slogan_every == slogan_every // 2
                          and len(out.slogan_item_ids) < SLOGAN_COPIES)
                if viral:
                    emp = viral_accounts[len(out.viral_item_ids)]
                    kind, target = "share", 1
                elif slogan:
                    emp, kind, target = rng.randrange(EMPLOYEES), "post", None
                else:
                    emp = rng.randrange(EMPLOYEES)
                    kind = rng.choice(KINDS)
                    target = rng.choices(range(2, POSTS + 1), popularity[1:])[0] \
                        if kind in ("like", "share", "comment") else None
                # A like has no words of its own (the liked post is its context); half the shares have some.
                own = None if viral or kind == "like" or (kind == "share" and rng.random() < 0.5) else words.text()
                if slogan:
                    own = rng.choice((SLOGAN, SLOGAN.upper(), SLOGAN.lower(), "  ".join(SLOGAN.split()) + " "))
                context = post_texts[target - 1] if target is not None else None
                count(own, context)
                when = start_day + timedelta(minutes=rng.randrange(120 * 24 * 60))
                score = round(rng.uniform(0.5, 1.0), 4)
                hate = rng.random() < 0.05
                acts.append({"id": i, "account_id": emp + 1, "kind": kind, "external_id": f"act-{i}",
                             "target_post_id": target, "text": own, "context_text": context,
                             "occurred_at": when, "captured_at": when, "source": "bench", "self_audit": False})
                classes.append({"id": i, "activity_id": i, "model_version": "bench-1", "profile_id": "bench-2029",
                                "score": score, "flagged": True, "stance": "support", "hate": hate,
                                "candidate": rng.choice(("k1", "k2", "k3")), "cues": ["#Pilkada2029"],
                                "created_at": now})
                in_campaign = campaign[0] <= (when + timedelta(hours=7)).date() <= campaign[1]
                # Queued over the last 30 days: some open items are past the review deadline.
                queued = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
                first = (viral and not out.viral_item_ids) or (slogan and not out.slogan_item_ids)
                status = "pending" if first else rng.choice(STATUSES)
                items.append({"id": i, "activity_id": i, "classification_id": i, "agency_id": emp % AGENCIES + 1,
                              "status": status,
                              "priority": compute_priority(score, kind, hate, in_campaign, rng.randrange(4)),
                              "assignee_id": None, "created_at": queued, "updated_at": queued})
                if viral:
                    out.viral_item_ids.append(i)
                elif slogan:
                    out.slogan_item_ids.append(i)
                elif not out.ordinary_item_id and kind == "post" and status == "pending":
                    out.ordinary_item_id = i
                    out.employee_name, out.employee_nip = _name(emp), _nip(emp)
            conn.execute(insert(Activity), acts)
            conn.execute(insert(Classification), classes)
            conn.execute(insert(ReviewItem), items)
    out.with_word = counted
    with session_factory(url)() as s:
        admin = create_user(s, "admin", PASSWORD, "admin", full_name="Admin Bench")
        create_user(s, "supervisor", PASSWORD, "supervisor", scope_codes=[f"AG-{a:02d}" for a in range(1, 6)])
        analyst = create_user(s, "analis", PASSWORD, "admin")
        s.flush()
        for name, filters in (
            ("Relawan di Instansi 03", QueueFilters(q=COMMON_WORD, agency_id=3)),
            ("Eskalasi", QueueFilters(status="escalated")),
            ("Suka di Bluesky", QueueFilters(kind="like", platform="bluesky")),
            ("Calon nomor 2 Oktober", QueueFilters(candidate="Hasan Basri", date_from=date(2029, 10, 1),
                                                   date_to=date(2029, 10, 31))),
            ("Tertua dulu", QueueFilters(sort="oldest")),
            ("Belum dipegang", QueueFilters(assignee="none")),
            ("Klarifikasi", QueueFilters(status="clarification")),
            ("Swasembada", QueueFilters(q=RARE_WORD, status=None)),
        ):
            save_filter(s, analyst, name, filters)
        for n in range(5):
            s.add(ItemComment(review_item_id=out.viral_item_ids[0], author_id=admin.id,
                              body=f"Catatan {n + 1}: dibagikan serentak oleh banyak akun."))
        s.commit()
    if engine.dialect.name == "postgresql":
        # What autovacuum does shortly after a bulk load; the planner needs the row counts.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    out.seconds = time.perf_counter() - started
    return out


def check_search_index(url: str, seeded: Seeded, n_items: int) -> None:
    """Every act holding a marker is found by the search index, and nothing more: the bulk load filled it."""
    with session_factory(url)() as s:
        dialect = s.get_bind().dialect.name
        for word, expected in seeded.with_word.items():
            found = s.scalar(select(func.count()).select_from(text_match(word, dialect).subquery()))
            assert found == expected, (word, found, expected)
            print(f"  search index: {word!r} in {found:,} acts ({100 * found / n_items:.2f} %)")


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and connection pool
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def client_for(url: str, username: str):  # type: ignore[no-untyped-def]
    import re

    from fastapi.testclient import TestClient

    from monitor.web.app import create_app

    app = create_app(Settings(database_url=url, secret_key="bench-secret-key-0123456789abcdef"))
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 303
    return client


def page_fn(client, path: str, expect: str | None = None) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def fetch() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        assert expect is None or expect in response.text, (path, expect)
        return response

    return fetch


def run_backend(name: str, url: str, n_items: int, repeat: int) -> dict[str, float]:
    upgrade(url)
    seeded = seed(url, n_items)
    print(f"\n== {name}: seeded {n_items:,} review items in {seeded.seconds:.1f} s")
    check_search_index(url, seeded, n_items)
    engine = engine_for(url)
    results: dict[str, float] = {}
    clients = {user: client_for(url, user) for user in ("admin", "supervisor", "analis")}
    with session_factory(url)() as s:
        admin = get_user(s, "admin")
        assert admin is not None
        pending = s.scalar(select(text("count(*)")).select_from(ReviewItem).where(ReviewItem.status == "pending"))
        deep_at = int(pending * 0.9)
        ordered = filtered_query(s, admin, QueueFilters()).order_by(ReviewItem.priority.desc(), ReviewItem.id.desc())
        row = s.execute(ordered.offset(deep_at - 1).limit(1)).one()
        cursor = Cursor(row.priority, row.id).encode()
        first_last = seeded.employee_name.replace(" ", "+")

        # (label, user, path, text the page must hold: proof the case did what its label says)
        cases = [
            ("first page (admin)", "admin", "/queue", None),
            ("first page (supervisor, 5 agencies)", "supervisor", "/queue", None),
            ("filtered page (kind=like, platform=bluesky)", "admin", "/queue?kind=like&platform=bluesky", None),
            ("filtered page (agency, candidate, dates)", "admin",
             "/queue?agency=3&candidate=k2&date_from=2029-10-01&date_to=2029-10-31", None),
            (f"deep page (keyset, item {deep_at:,})", "admin", f"/queue?after={cursor}", None),
            (f"search rare word ({RARE_WORD})", "admin", f"/queue?q={RARE_WORD}", RARE_WORD),
            (f"search common word ({COMMON_WORD})", "admin", f"/queue?q={COMMON_WORD}", COMMON_WORD),
            (f"search name ({seeded.employee_name})", "admin", f"/queue?q={first_last}", seeded.employee_name),
            ("search NIP", "admin", f"/queue?q={seeded.employee_nip}", seeded.employee_name),
            ("search + agency + candidate by name", "admin",
             f"/queue?q={COMMON_WORD}&agency=3&candidate=Hasan+Basri", COMMON_WORD),
            ("search + status=escalated", "admin", f"/queue?q={COMMON_WORD}&status=escalated", COMMON_WORD),
            ("search common word (supervisor)", "supervisor", f"/queue?q={COMMON_WORD}", COMMON_WORD),
            ("search rare word (supervisor)", "supervisor", f"/queue?q={RARE_WORD}", None),
            ("first page, 8 saved filters listed", "analis", "/queue", "Relawan di Instansi 03"),
            (f"item page, {len(seeded.viral_item_ids)} identical shares", "admin",
             f"/items/{seeded.viral_item_ids[0]}", "200+ tindakan identik lain"),
            (f"item page, own post copied by {len(seeded.slogan_item_ids) - 1} accounts", "admin",
             f"/items/{seeded.slogan_item_ids[0]}", "tindakan identik lain"),
            ("item page, ordinary post", "admin", f"/items/{seeded.ordinary_item_id}", None),
        ]
        for label, user, path, expect in cases:
            results[label] = median_ms(page_fn(clients[user], path, expect), repeat)

        results["baseline: counts query only"] = median_ms(lambda: status_counts(s, admin, QueueFilters()), repeat)
        keyset_sql = ordered.where(text("(review_item.priority, review_item.id) < (:p, :i)")).limit(51)
        results["sql: deep page keyset"] = median_ms(
            lambda: s.execute(keyset_sql, {"p": row.priority, "i": row.id}).all(), repeat)
        results["baseline sql: deep page OFFSET"] = median_ms(
            lambda: s.execute(ordered.offset(deep_at).limit(51)).all(), repeat)

    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_review_item_queue"))
        conn.execute(text("DROP INDEX ix_review_item_agency_queue"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE review_item"))
    results["baseline: first page without queue indexes"] = median_ms(page_fn(clients["admin"], "/queue"), repeat)
    results["baseline: deep page without queue indexes"] = median_ms(
        page_fn(clients["admin"], f"/queue?after={cursor}"), repeat)
    engine.dispose()

    width = max(len(k) for k in results)
    for label, ms in results.items():
        print(f"  {label:<{width}}  {ms:8.1f} ms")
    counts = results["baseline: counts query only"]
    first = results["first page (admin)"]
    deep = next(v for k, v in results.items() if k.startswith("deep page (keyset"))
    print(f"  ratio first page / counts-only query          {first / counts:6.2f}x")
    print(f"  ratio deep page / first page                  {deep / first:6.2f}x")
    print(f"  ratio OFFSET / keyset SQL at the deep page    "
          f"{results['baseline sql: deep page OFFSET'] / results['sql: deep page keyset']:6.1f}x")
    print(f"  ratio first page without / with indexes       "
          f"{results['baseline: first page without queue indexes'] / first:6.2f}x")
    print(f"  load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg", default=os.environ.get("NETRA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="PostgreSQL server URL (a fresh database is created on it and dropped afterwards)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="netra-bench-") as tmp:
        os.environ["NETRA_HOME"] = tmp
        if not args.no_sqlite:
            run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.items, args.repeat)
        if args.no_pg or args.pg.lower() == "off":
            return
        with scratch_database(args.pg, "netra_bench") as url:
            run_backend("PostgreSQL", url, args.items, args.repeat)


if __name__ == "__main__":
    main()
