"""Hoax matcher v5: words matched through Indonesian nasal prefixes and the informal -in, so that an act repeating
a claim in other forms of its words ("polisi tilang" for "menilang", "dibolehin" for "membolehkan") shares them."""

from __future__ import annotations

from models.hoax.matcher import MATCHER_VERSION, HoaxRules, WordWeights, stems, word_stems

STICKER = "Polisi akan menilang pengendara yang memasang stiker pasangan calon di kendaraannya."
PHOTO = "KPU membolehkan pemilih memotret surat suara di bilik sebagai bukti untuk tim sukses."
OTHER = [
    "Gudang logistik KPU menyimpan kotak suara dan bilik yang disegel aparat",
    "Petugas KPPS dilatih menghitung suara di kantor kecamatan",
    "Pemkab membagikan pupuk bersubsidi kepada petani di kantor desa",
    "Tilang elektronik berlaku di jalan provinsi mulai bulan depan",
    "Warga diminta memilih di TPS sesuai alamat di DPT",
]


def test_nasal_prefix_restores_the_roots_first_letter() -> None:
    assert word_stems("menilang") == ("ilang", "tilang")
    assert word_stems("memilih") == ("ilih", "pilih")
    assert word_stems("pemilih") == ("ilih", "pilih")
    assert word_stems("menyebarkan") == ("ebar", "sebar")
    assert word_stems("mengirim") == ("irim", "kirim")
    # Informal bare nasals: "nyoblos" may stand for coblos (or a root in s-), "ngurus" for urus.
    assert "coblos" in word_stems("nyoblos") and "urus" in word_stems("ngurus")
    # Before a consonant nothing was replaced: "mencoblos" is coblos, as before.
    assert word_stems("mencoblos") == ("coblos",)
    assert word_stems("2024") == ("2024",)


def test_informal_suffix_in_reads_as_the_formal_verb() -> None:
    assert word_stems("dibolehin") == word_stems("membolehkan") == ("boleh",)
    assert word_stems("diizinin") == ("izin",)
    # Short words keep their -in: "main", "ingin" are words, not suffixed verbs.
    assert word_stems("main") == ("main",)
    assert stems("lain ingin") == {"lain", "ingin"}


def test_overlap_and_novelty_count_a_word_whatever_form_it_takes() -> None:
    words = WordWeights([STICKER, PHOTO, *OTHER])
    act = "Copot stikernya, mulai besok polisi tilang."
    # "tilang" is the claim's "menilang": shared, not new (v4 read "menilang" as "ilang" and missed it).
    assert words.overlap(STICKER, act) > words.overlap(STICKER, "Copot stikernya, mulai besok polisi datang.")
    assert words.novelty(STICKER, act) < words.novelty(STICKER, "Copot stikernya, mulai besok polisi datang.")
    repeat = "Pemilih dibolehin motret surat suara di bilik buat bukti ke tim sukses, KPU udah izinin."
    assert words.novelty(PHOTO, repeat) < 0.25
    # A claim word counts once, however many stems it may have: full overlap is still 1.
    assert words.overlap(PHOTO, PHOTO) == 1.0
    assert words.novelty(PHOTO, PHOTO) == 0.0


def test_shipped_rules_are_chosen_for_this_matcher() -> None:
    rules = HoaxRules.load()
    # Version 6 keeps v5's score rules (chosen on validation + dev) for a store without a scorer; the shipped
    # rules name the trained scorer (tests/test_hoax_scorer.py).
    assert rules.version == MATCHER_VERSION >= 5
    assert rules.chosen_on == "validation+dev"
    assert rules.figures["splits"]["validation"]["precision"] >= 0.90
