"""Hoax claims in: ClaimReview JSON-LD (object, list, JSON lines, in a page) and CSV, verdicts, errors per line,
``netra hoax import`` idempotent on both backends, ``netra hoax list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from monitor.cli import app
from monitor.db.schema import ClaimReview
from monitor.db.session import session_scope
from spiders.factcheck.claimreview import (
    claim_key,
    claims_in_html,
    read_claims_file,
    verdict_of,
)

runner = CliRunner()

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://cekfakta.example/2029/10/pemilu-diundur/",
    "claimReviewed": "KPU mengundurkan pemungutan suara ke hari Kamis karena banjir",
    "datePublished": "2029-10-28",
    "author": {"@type": "Organization", "name": "Cek Fakta Contoh"},
    "reviewRating": {"@type": "Rating", "alternateName": "Salah", "ratingValue": 1, "bestRating": 5,
                     "worstRating": 1},
}


def review(**changes: object) -> dict:
    return {**REVIEW, **changes}


@pytest.mark.parametrize(("rating", "verdict"), [
    ("Salah", "false"), ("[HOAKS]", "false"), ("Hoax", "false"), ("Keliru", "false"), ("Disinformasi", "false"),
    ("Tidak Benar", "false"), ("Menyesatkan", "misleading"), ("Konteks yang Salah", "misleading"),
    ("Konten yang Dimanipulasi", "misleading"), ("Sebagian Benar", "mixed"), ("Benar", "true"), ("Fakta", "true"),
    ("Bukan Fakta", "false"), ("Satire", "misleading"), ("Tidak Terbukti", "unrated"), ("Ulasan", "unrated"),
])
def test_ratings_are_read_into_verdicts(rating: str, verdict: str) -> None:
    assert verdict_of(rating) == verdict


def test_numeric_ratings_are_read_on_their_scale() -> None:
    assert verdict_of("", 1, 5, 1) == "false"
    assert verdict_of("", 5, 5, 1) == "true"
    assert verdict_of("", "3", "5", "1") == "mixed"


def test_json_object_list_and_lines(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(REVIEW, indent=2))
    parsed = read_claims_file(one)
    assert parsed.errors == []
    [(line, record)] = parsed.records
    assert (line, record.claim, record.rating, record.verdict, str(record.reviewed_on), record.publisher) == (
        1, REVIEW["claimReviewed"], "Salah", "false", "2029-10-28", "Cek Fakta Contoh")
    assert record.key == claim_key(REVIEW["url"], "KPU  mengundurkan pemungutan suara ke hari Kamis karena banjir")

    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([review(claimReviewed="Klaim pertama"), review(claimReviewed="Klaim kedua")],
                                 indent=2))
    parsed = read_claims_file(listed)
    assert parsed.errors == []
    starts = [n for n, text in enumerate(listed.read_text().splitlines(), 1) if text == "  {"]  # each element's
    assert [(line, r.claim) for line, r in parsed.records] == [(starts[0], "Klaim pertama"),
                                                               (starts[1], "Klaim kedua")]
    assert starts[0] == 2 and starts[1] > 2

    lines = tmp_path / "claims.jsonl"
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "x"},
                                                          review(claimReviewed="Dalam graph")]}
    lines.write_text("\n".join([json.dumps(review(claimReviewed="Baris satu")), "", json.dumps(graph)]) + "\n")
    parsed = read_claims_file(lines)
    assert parsed.errors == []
    assert [(line, r.claim) for line, r in parsed.records] == [(1, "Baris satu"), (3, "Dalam graph")]


def test_fact_check_tools_api_records(tmp_path: Path) -> None:
    path = tmp_path / "api.jsonl"
    path.write_text(json.dumps({"text": "Tinta pemilu mengandung babi", "claimant": "WA", "claimReview": [
        {"publisher": {"name": "Cek Fakta Contoh"}, "url": "https://cekfakta.example/tinta/",
         "reviewDate": "2029-10-01T00:00:00Z", "textualRating": "Hoaks"}]}) + "\n")
    [(_, record)] = read_claims_file(path).records
    assert (record.claim, record.verdict, record.publisher, str(record.reviewed_on)) == (
        "Tinta pemilu mengandung babi", "false", "Cek Fakta Contoh", "2029-10-01")


def test_bad_json_records_are_named_by_line_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([
        json.dumps(review(claimReviewed="Baik")),
        "{not json",
        json.dumps(review(claimReviewed="")),
        json.dumps(review(url="ftp://nope", **{"@id": None})),
        json.dumps({"@type": "NewsArticle", "headline": "tanpa ClaimReview"}),
        json.dumps(review(reviewRating={})),
        json.dumps(review(datePublished="kemarin")),
        "[1, 2]",
        json.dumps(review(claimReviewed="Juga baik", url="https://cekfakta.example/lain/")),
    ]) + "\n")
    parsed = read_claims_file(path)
    assert [r.claim for _, r in parsed.records] == ["Baik", "Juga baik"]
    name = str(path)
    assert parsed.errors == [
        f"{name}:2: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{name}:3: no claim text (claimReviewed / klaim)",
        f"{name}:4: no http(s) URL of the fact-check article (url)",
        f"{name}:5: no ClaimReview object (\"@type\": \"ClaimReview\")",
        f"{name}:6: no rating (reviewRating.alternateName / rating)",
        f"{name}:7: date 'kemarin' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        f"{name}:8: expected a JSON object",
    ]


def test_a_broken_list_is_named_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[\n" + json.dumps(review(claimReviewed="Satu")) + ",\n{\"@type\": \"ClaimReview\",\n  oops}\n]")
    parsed = read_claims_file(path)
    assert [r.claim for _, r in parsed.records] == ["Satu"]
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith(f"{path}:4: invalid JSON")


def test_csv_with_semicolons_day_first_dates_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "klaim.csv"
    path.write_text(
        "\ufeffklaim;rating;url;tanggal;sumber\n"
        "\"Surat suara dicoblos dua kali tetap sah; dihitung dua\";Salah;https://cekfakta.example/a/;31/10/2029;"
        "Cek Fakta Contoh\n"
        "TPS buka pukul 07.00;Benar;https://cekfakta.example/b/;;\n"
        ";Salah;https://cekfakta.example/c/;;\n"
        "Klaim tanpa rating;;https://cekfakta.example/d/;;\n"
        "Klaim dengan url aneh;Hoaks;cekfakta.example/e;;\n"
        "Klaim tanggal aneh;Hoaks;https://cekfakta.example/f/;2029-02-30;\n"
        "\n"
        "Terlalu;banyak;kolom;di;baris;ini\n",
        encoding="utf-8",
    )
    parsed = read_claims_file(path)
    assert [(line, r.claim, r.verdict, str(r.reviewed_on)) for line, r in parsed.records] == [
        (2, "Surat suara dicoblos dua kali tetap sah; dihitung dua", "false", "2029-10-31"),
        (3, "TPS buka pukul 07.00", "true", "None"),
    ]
    assert parsed.errors == [
        f"{path}:4: no claim text (claimReviewed / klaim)",
        f"{path}:5: no rating (reviewRating.alternateName / rating)",
        f"{path}:6: url 'cekfakta.example/e' is not an http(s) URL",
        f"{path}:7: date '2029-02-30' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        f"{path}:9: 6 fields, the header has 5",
    ]


def test_csv_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("claim,verdict\nx,y\n")
    parsed = read_claims_file(path)
    assert parsed.records == []
    assert parsed.errors == [f"{path}:1: missing column(s) klaim, rating, url (expected klaim, rating, url, "
                             "tanggal, sumber)"]


def test_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("klaim,rating,url\nBaik,Salah,https://a.example/\nKabar d\xe9mo,Salah,https://b.example/\n"
                     .encode("latin-1"))
    parsed = read_claims_file(path)
    assert parsed.records == [] and parsed.errors[0].startswith(f"{path}:3: not UTF-8")


def test_claimreview_in_an_article_page() -> None:
    page = ("<html><head><script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@graph\": ["
            + json.dumps({"@type": "NewsArticle"}) + "," + json.dumps({k: v for k, v in REVIEW.items() if k != "url"})
            + "]}</script><script type='application/ld+json'>{broken</script></head><body>x</body></html>")
    records, problems = claims_in_html(page, "https://cekfakta.example/artikel/")
    assert [(r.claim, r.url) for r in records] == [(REVIEW["claimReviewed"], "https://cekfakta.example/artikel/")]
    assert problems == ["JSON-LD script 2: invalid JSON (Expecting property name enclosed in double quotes at line 1)"]


def test_hoax_import_is_idempotent_and_names_bad_lines(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join([
        json.dumps(review()),
        json.dumps(review(claimReviewed="Tinta pemilu mengandung babi", url="https://cekfakta.example/tinta/")),
        json.dumps(review(claimReviewed="TPS buka pukul 07.00", url="https://cekfakta.example/tps/",
                          reviewRating={"alternateName": "Benar"})),
        "{oops",
        json.dumps(review()),  # the same claim twice in one file counts once
    ]) + "\n")
    first = runner.invoke(app, ["hoax", "import", str(path)])
    assert first.exit_code == 1
    assert f"{path}:4: invalid JSON" in first.output
    assert "4 claims read" in first.output and "3 new, 0 updated, 1 unchanged" in first.output
    assert "1 not rated false or misleading" in first.output
    with session_scope(db_url) as s:
        before = [(r.id, r.key, r.claim, r.rating, r.verdict, r.updated_at) for r in
                  s.scalars(select(ClaimReview).order_by(ClaimReview.id))]
    assert [row[4] for row in before] == ["false", "false", "true"]

    again = runner.invoke(app, ["hoax", "import", str(path)])
    assert "0 new, 0 updated, 4 unchanged" in again.output
    with session_scope(db_url) as s:
        after = [(r.id, r.key, r.claim, r.rating, r.verdict, r.updated_at) for r in
                 s.scalars(select(ClaimReview).order_by(ClaimReview.id))]
    assert after == before  # re-import changes nothing, not even a timestamp

    # A fact-checker who revises a verdict updates the claim in place.
    revised = tmp_path / "revised.json"
    revised.write_text(json.dumps(review(reviewRating={"alternateName": "Menyesatkan"})))
    result = runner.invoke(app, ["hoax", "import", str(revised)])
    assert result.exit_code == 0 and "0 new, 1 updated, 0 unchanged" in result.output
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(ClaimReview)) == 3
        row = s.scalar(select(ClaimReview).where(ClaimReview.url == REVIEW["url"]))
        assert (row.rating, row.verdict, row.source) == ("Menyesatkan", "misleading", "import:claims.jsonl")


def test_hoax_list_searches_and_prints_json_and_csv(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("klaim,rating,url,tanggal,sumber\n"
                    "KPU mengundurkan pemungutan suara,Salah,https://cekfakta.example/a/,2029-10-28,Cek Fakta Contoh\n"
                    "Tinta pemilu mengandung babi,Hoaks,https://lain.example/b/,2029-10-20,Periksa Dulu\n")
    assert runner.invoke(app, ["hoax", "import", str(path)]).exit_code == 0
    found = runner.invoke(app, ["hoax", "list", "--search", "TINTA", "--format", "json"])
    assert found.exit_code == 0, found.output
    records = json.loads(found.output)
    assert [(r["claim"], r["rating"], r["verdict"], r["reviewed_on"], r["publisher"]) for r in records] == [
        ("Tinta pemilu mengandung babi", "Hoaks", "false", "2029-10-20", "Periksa Dulu")]
    by_publisher = runner.invoke(app, ["hoax", "list", "--search", "cek fakta contoh", "--format", "csv"])
    assert by_publisher.output.splitlines()[0].startswith("id,verdict,rating,claim,url")
    assert len(by_publisher.output.splitlines()) == 2
    table = runner.invoke(app, ["hoax", "list"])
    assert "2 of 2 claims" in table.output and "https://cekfakta.example/a/" in table.output
    assert runner.invoke(app, ["hoax", "list", "--verdict", "bogus"]).exit_code == 1
