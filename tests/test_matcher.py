"""The profile matcher: cues found, words in other senses left alone, markers substituted."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.matcher import ProfileMatcher, Target, normalise
from models.profile import load_profile, load_profile_text

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pilpres() -> ProfileMatcher:
    return ProfileMatcher(load_profile(REPO / "models" / "data" / "profiles" / "pemilu-2024-presiden.yaml"))


@pytest.fixture(scope="module")
def sukamaju() -> ProfileMatcher:
    return ProfileMatcher(load_profile(REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"))


def owners(matcher: ProfileMatcher, text: str, context: str | None = None) -> list[tuple[str, str | None]]:
    return [(c.text, c.candidate or c.party) for c in matcher.find(text, context)]


def test_normalise_collapses_elongation_and_maps_back() -> None:
    norm = normalise("Coblooos AAMIIN")
    assert norm.text == "coblos amin"
    assert norm.origin[norm.text.index("s")] == 7
    assert any(norm.elongated)


def test_elongated_call_to_vote_and_names(pilpres: ProfileMatcher) -> None:
    found = owners(pilpres, "Ayo coblooos nomor 2!! Prabowo-Gibran lanjutkan ✌️ #PrabowoGibran2024")
    assert ("coblooos nomor 2", "02") in found
    assert ("Prabowo-Gibran", "02") in found
    assert ("✌️", "02") in found
    assert ("#PrabowoGibran2024", "02") in found
    assert all(owner == "02" for _, owner in found)


def test_case_spacing_and_hashtags(pilpres: ProfileMatcher) -> None:
    assert owners(pilpres, "GANJAR  -  mahfud sat set!") [0] == ("GANJAR  -  mahfud", "03")
    assert owners(pilpres, "#ganjarsalam3jari mantap") == [("#ganjarsalam3jari", "03")]
    # A hashtag the profile does not list but that carries a name is one cue.
    assert owners(pilpres, "#AniesPresiden pokoknya") == [("#AniesPresiden", "01")]


@pytest.mark.parametrize(
    "text",
    [
        "Semoga lancar acaranya pak, aamiin ya Allah",
        "Amin, semoga sehat selalu",
        "Semoga paslon yang terpilih amanah, AAMIIN",
        "Semoga lancar operasinya pak. AMIN",
        "Selamat pagi semua, semangat kerja!",
    ],
)
def test_prayer_amin_and_ordinary_words_are_not_the_ticket(pilpres: ProfileMatcher, text: str) -> None:
    assert owners(pilpres, text) == []


def test_amin_ticket_in_capitals_with_election_context(pilpres: ProfileMatcher) -> None:
    assert owners(pilpres, "AMIN menang satu putaran! salam satu jari ☝️") == [
        ("AMIN", "01"), ("salam satu jari", "01"), ("☝️", "01"),
    ]


def test_nephew_and_street_named_like_candidates(pilpres: ProfileMatcher, sukamaju: ProfileMatcher) -> None:
    assert owners(pilpres, "Selamat ulang tahun keponakanku Gibran yang ke-5 🎂") == []
    assert owners(pilpres, "Foto sama adik Gibran di taman 🌳") == []
    assert owners(sukamaju, "Rapat koordinasi di Jalan Sutrisno Wibowo jam 2 siang") == []
    # The same name with election context is the candidate.
    assert owners(pilpres, "Gibran tadi debat cawapres keren banget") == [("Gibran", "02")]


@pytest.mark.parametrize(
    "text",
    [
        "Alhamdulillah juara 1 lomba lari antar OPD",
        "Kantor kami di lantai 3, ruang 2",
        "Rapat jam 2 siang ya",
        "Udah 2 tahun aja si kecil ✌️",
        "Liburan ke pantai ✌️☝️",
        "Foto nomor 2 dari kiri itu saya",
        "Pesan 3 jari kopi susu",
    ],
)
def test_numbers_and_gestures_in_other_senses(pilpres: ProfileMatcher, text: str) -> None:
    assert owners(pilpres, text) == []


def test_amin_ticket_next_to_prayer_needs_election_words(pilpres: ProfileMatcher) -> None:
    assert owners(pilpres, "Insya Allah AMIN menang") == [("AMIN", "01")]


def test_weak_cues_of_different_kinds_back_each_other(pilpres: ProfileMatcher) -> None:
    assert owners(pilpres, "udh lah fix tiga jari 🤟") == [("tiga jari", "03"), ("🤟", "03")]
    assert owners(pilpres, "tolol yang milih 02") == [("02", "02")]


def test_gesture_counts_with_election_context(pilpres: ProfileMatcher) -> None:
    assert owners(pilpres, "Foto bareng relawan di depan baliho ✌️") == [("✌️", "02")]
    assert owners(pilpres, "Pose 3 jari dulu gaes") == [("Pose 3 jari", "03")]
    # Context of the post acted on decides too.
    assert owners(pilpres, "✌️✌️", context="Kampanye akbar di GBK hari ini") == [("✌️", "02"), ("✌️", "02")]


def test_neutral_listing_of_all_numbers(pilpres: ProfileMatcher) -> None:
    found = owners(pilpres, "Debat malam ini: pasangan nomor 1, 2 dan 3 tampil")
    assert [o for _, o in found] == ["01", "02", "03"]


def test_unseen_regional_profile_and_parties() -> None:
    profile = load_profile_text(
        """
id: pilbup-tes-2031
name: Pilbup Tes 2031
level: bupati
candidates:
  - {id: a, number: 1, names: [Yohanes Bria Seran], aliases: [Bung Yo, YBS], hashtags: ["#YoMaju"],
     parties: [Partai Nusa]}
  - {id: b, number: 2, names: [Maria Goreti Nahak], aliases: [Mama Eti], parties: [Partai Lontar]}
parties:
  - {number: 7, name: Partai Nusa, aliases: [PN]}
  - {number: 9, name: Partai Lontar}
"""
    )
    matcher = ProfileMatcher(profile)
    assert owners(matcher, "Bung Yo pasti menang! #YoMaju") == [("Bung Yo", "a"), ("#YoMaju", "a")]
    assert owners(matcher, "Mama Eti calon paling cocok, coblos no 2") == [("Mama Eti", "b"), ("coblos no 2", "b")]
    assert owners(matcher, "Kader Partai Lontar siap menangkan") == [("Partai Lontar", "Partai Lontar")]


def test_mask_marks_target_side_and_others(pilpres: ProfileMatcher) -> None:
    text = "Jangan pilih Prabowo, pilih Ganjar-Mahfud nomor 3!"
    cues = pilpres.find(text)
    targets = pilpres.targets(cues)
    assert {t.id for t in targets} == {"02", "03"}
    masked = pilpres.mask(text, cues, Target("candidate", "03"))
    assert masked == "Jangan pilih [CALON_LAIN], pilih [CALON] [NOMOR]!"
    assert "Prabowo" not in pilpres.mask(text, cues, Target("candidate", "02"))


def test_party_in_coalition_is_on_candidate_side(pilpres: ProfileMatcher) -> None:
    text = "Prabowo presiden, Gerindra menang, PDIP kalah"
    cues = pilpres.find(text)
    masked = pilpres.mask(text, cues, Target("candidate", "02"))
    assert masked == "[CALON] presiden, [PARTAI] menang, [PARTAI_LAIN] kalah"
