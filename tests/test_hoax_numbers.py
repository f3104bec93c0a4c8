"""Amounts read from digits and Indonesian number words (models.hoax.numbers) and the number agreement on them."""

from __future__ import annotations

import pytest

from models.hoax.matcher import number_agreement
from models.hoax.numbers import amounts


@pytest.mark.parametrize(("text", "amount"), [
    ("Rp15.000 per liter", 15000),
    ("tanggal 16 la lima belas ribu", 15000),
    ("biaya administrasi Rp2,5 juta", 2_500_000),
    ("sudah transfer dua setengah juta", 2_500_000),
    ("dua ratus lima puluh ribu", 250_000),
    ("satu juta dua ratus ribu", 1_200_000),
    ("seratus dua puluh tiga ribu empat ratus lima puluh enam", 123_456),
    ("dipotong 40% katanya", 40),
    ("quick count 61,4 persen", 61.4),
    ("1.250.000 pemilih", 1_250_000),
    ("cuma 15rb", 15000),
    ("2,5jt aja", 2_500_000),
    ("seribu", 1000),
    ("sebelas", 11),
    ("dua belas TPS", 12),
    ("tiga puluh tujuh petugas", 37),
    ("setengah juta", 500_000),
])
def test_an_amount_is_read_however_it_is_written(text: str, amount: float) -> None:
    assert amount in amounts(text)


def test_two_number_words_in_a_row_are_two_numbers_and_salah_satu_is_no_count() -> None:
    assert amounts("tiga empat") == {3, 4}
    assert amounts("salah satu dari dua calon") == {2}
    assert amounts("tidak ada angka di sini") == frozenset()


def test_a_partial_repetition_in_words_agrees_with_the_claims_digits() -> None:
    claim = "Pendaftaran PPPK cukup membayar biaya administrasi Rp2,5 juta dan dijamin lulus tanpa tes."
    assert number_agreement(claim, "Sudah transfer dua setengah juta ke koordinator, tinggal tunggu SK.") == 1
    assert number_agreement(claim, "Biayanya tiga juta katanya") == -1
    assert number_agreement(claim, "Semoga lulus ya") == 0
    # digit runs alone made every two prices agree by their "000"
    assert number_agreement("harga naik menjadi Rp15.000", "harga tetap Rp10.000") == -1
