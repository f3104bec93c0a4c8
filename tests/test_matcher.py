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
    assert owners(pilpres, "tolol yang milih 02") == [("milih 02", "02")]  # a vote word makes it a ballot number


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
    # A party that backs exactly one pair points to that pair (and is still the party).
    (cue,) = matcher.find("Kader Partai Lontar siap menangkan")
    assert (cue.text, cue.candidate, cue.party) == ("Partai Lontar", "b", "Partai Lontar")


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


PROFILE_WITH_ROLES = """
id: pilgub-tes-2032
name: Pilgub Tes 2032
level: gubernur
candidates:
  - {id: a1, number: 1, names: [Johanis Rumengan], aliases: [JOFA], hashtags: ["#JOFAMenang"],
     parties: [Gerindra], descriptors: [mantan kapolda]}
  - {id: a2, number: 2, names: [Frangky Lumowa], aliases: [WENTA], hashtags: ["#WENTAJilid2"],
     parties: [PDI Perjuangan, NasDem], incumbent: true}
  - {id: a3, number: 3, names: [Meity Sasube], aliases: [MEGA], parties: [Golkar, PKB],
     descriptors: [dokter dari pulau]}
parties:
  - {number: 3, name: PDI Perjuangan, aliases: [PDIP]}
  - {number: 4, name: Golkar}
  - {number: 2, name: Gerindra}
  - {number: 5, name: NasDem}
  - {number: 1, name: PKB}
"""


@pytest.fixture
def roles() -> ProfileMatcher:
    return ProfileMatcher(load_profile_text(PROFILE_WITH_ROLES, "test"))


@pytest.mark.parametrize(("text", "expected"), [
    ("Pilgub nanti jangan lupa dukung petahana ya", ("petahana", "a2")),
    ("pilih pak gub sekarang lagi biar lanjut", ("gub sekarang", "a2")),
    ("kampanye mantan kapolda tadi ramai juga", ("mantan kapolda", "a1")),
    ("coblos dokter dari pulau, dia paling ngerti kita", ("dokter dari pulau", "a3")),
])
def test_roles_and_descriptors_point_to_their_candidate(roles: ProfileMatcher, text: str,
                                                        expected: tuple[str, str]) -> None:
    assert expected in owners(roles, text)


def test_a_descriptor_alone_needs_an_election_context(roles: ProfileMatcher) -> None:
    assert owners(roles, "Tadi ketemu mantan kapolda di bandara") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("cblos no 3 y gaess", ("cblos no 3", "a3")),
    ("ayo pilihen nomer loro", ("pilihen nomer loro", "a2")),
    ("salam tolu jari dari Samosir", ("salam tolu jari", "a3")),
    ("coblos no ciek!", ("coblos no ciek", "a1")),
])
def test_slang_and_regional_ballot_numbers(roles: ProfileMatcher, text: str, expected: tuple[str, str]) -> None:
    assert expected in owners(roles, text)


def test_keycap_numbers_count_in_an_election_context(roles: ProfileMatcher) -> None:
    assert owners(roles, "Pilgub tinggal seminggu 2\ufe0f\u20e3\u2764\ufe0f") == [("2\ufe0f\u20e3", "a2")]
    assert owners(roles, "Kamar 2\ufe0f\u20e3 sudah dibersihkan") == []


def test_party_nicknames_and_colours_from_the_lexicon(roles: ProfileMatcher) -> None:
    assert ("partai banteng", "a2") in owners(roles, "Gas terus partai banteng!")
    assert ("beringin", "a3") in owners(roles, "pilkada ini kita menangkan beringin")
    assert owners(roles, "pohon beringin di alun-alun tumbang") != []  # a multi-word nickname stands alone
    assert owners(roles, "beringin di alun-alun tumbang") == []  # one word needs an election context
    # Blue would be both Gerindra's? No: Gerindra has no colour here, NasDem is the only blue party.
    assert ("kuning", "a3") in owners(roles, "pilgub besok pilih yang kuning")


def test_loosely_written_listed_hashtags(roles: ProfileMatcher) -> None:
    assert ("#wenta_jilid_2", "a2") in owners(roles, "mantap #wenta_jilid_2")


# ----------------------------------------------------------------------------- issue 16: references without names

PROFILE_DPRD = """
id: dprd-tes-2034
name: Pileg DPRD Tes 2034
level: dprd
candidates:
  - {id: c1, number: 1, names: [Darwis Saleh], aliases: [Bang Darwis], parties: [PKB], incumbent: true}
  - {id: c2, number: 2, names: [Teguh Pranoto], aliases: [Bang Teguh], parties: [Gerindra]}
parties:
  - {number: 1, name: PKB}
  - {number: 2, name: Gerindra}
"""


def test_petahana_inside_a_weak_office_phrase_still_resolves_the_incumbent() -> None:
    matcher = ProfileMatcher(load_profile_text(PROFILE_DPRD, "test"))
    # "petahana dewan" is a weak office phrase; the strong "petahana" in it used to be swallowed.
    assert owners(matcher, "Petahana dewan kito tu lah buktike kerjo") == [("Petahana dewan", "c1")]
    # Without "petahana" the office phrase stays weak: no election context, no cue.
    assert owners(matcher, "Pak dewan kami di RT 3 ulang tahun hari ini") == []


def test_other_referent_word_does_not_reach_across_a_sentence() -> None:
    matcher = ProfileMatcher(load_profile_text(PROFILE_DPRD, "test"))
    assert owners(matcher, "Tadi sholat di masjid. Bang Teguh paling layak ke dewan, coblos!") [0] == (
        "Bang Teguh", "c2")
    assert owners(matcher, "Rapat di masjid Teguh Pranoto, bukan kampanye") == []
    assert owners(matcher, "Kantor pindah ke Jl. Teguh Pranoto nomor 5") == []


def test_incumbent_of_another_office_is_not_the_candidate(roles: ProfileMatcher) -> None:
    assert ("petahana", "a2") in owners(roles, "Pilgub nanti dukung petahana")
    assert ("gubernur petahana", "a2") in owners(roles, "gubernur petahana cuti kampanye")
    assert owners(roles, "Bupati petahana Minahasa meresmikan pasar baru") == []
    assert owners(roles, "Kades petahana di desa kami rajin ronda") == []


def test_role_spellings_and_shortened_traits(roles: ProfileMatcher) -> None:
    found = owners(roles, "gub skrg su kerja, kasi lanjut jo")
    assert ("gub skrg", "a2") in found
    # "dokter dari pulau" shortened to "dokter dari"? No: a trait never ends in a function word, and
    # "dokter" alone says nothing. The listed trait with a leadership word is the candidate.
    assert owners(roles, "dokter dari pulau itu paling pantas pimpin Sulut") == [("dokter dari pulau", "a3")]
    assert owners(roles, "Tadi ketemu dokter di puskesmas") == []
    # "memimpin apel" is an official duty, not a leadership choice.
    assert owners(roles, "Mantan kapolda memimpin apel pagi di halaman kantor") == []
    assert ("Mantan kapolda", "a1") in owners(roles, "Mantan kapolda itu yang pantas pimpin kita")


def test_trait_heads_keep_a_distinctive_word() -> None:
    from models.matcher import trait_heads

    assert trait_heads("juragan bawang merah dari Samalaju") == ["juragan bawang merah", "juragan bawang"]
    assert trait_heads("mantan ketua KNPI kabupaten") == ["mantan ketua knpi"]
    assert trait_heads("anggota DPR petahana") == []  # "anggota DPR" could be anyone in the house


PROFILE_VOTING_DAY = """
id: pilgub-hari-2034
name: Pilgub Hari 2034
level: gubernur
voting_day: 2034-11-27
candidates:
  - {id: g1, number: 1, names: [Jonggi Pardede], aliases: [Bang Jonggi], parties: [Golkar]}
  - {id: g2, number: 2, names: [Robert Sitorus], aliases: [Opung Robert], parties: [PDI Perjuangan], incumbent: true}
  - {id: g3, number: 3, names: [Fauzan Lubis], aliases: [Ustaz Fauzan], parties: [PKS, PPP]}
parties:
  - {name: Golkar}
  - {name: PDI Perjuangan}
  - {name: PKS}
  - {name: PPP}
"""


@pytest.fixture
def dated() -> ProfileMatcher:
    return ProfileMatcher(load_profile_text(PROFILE_VOTING_DAY, "test"))


@pytest.mark.parametrize(("text", "expected"), [
    ("27/11 3\ufe0f\u20e3 bismillah", ("3\ufe0f\u20e3", "g3")),
    ("27 November nanti ✌️ rek", ("✌️", "g2")),
    ("Nov 27th ☝️ for a better province", ("☝️", "g1")),
    ("🗳️ ✌️ udah tau lah", ("✌️", "g2")),
])
def test_voting_day_and_ballot_box_make_a_number_sign_count(dated: ProfileMatcher, text: str,
                                                            expected: tuple[str, str]) -> None:
    assert expected in owners(dated, text)


def test_party_sign_beside_a_number_backs_it(dated: ProfileMatcher) -> None:
    # 🐂 is PDI-P's banteng, which backs pair 2 alone; 💛 is Golkar's yellow (pair 1).
    assert owners(dated, "2\ufe0f\u20e3🐂 pokoknya") == [("2\ufe0f\u20e3", "g2"), ("🐂", "g2")]
    assert owners(dated, "☝️💛 udah itu aja") == [("☝️", "g1"), ("💛", "g1")]
    # A sign of another pair's party, or one away from the number, backs nothing.
    assert owners(dated, "✌️💛 liburan") == []
    assert owners(dated, "3\ufe0f\u20e3 years at this office today 🥳 thank you team 💛") == []


@pytest.mark.parametrize("text", [
    "Liburan ke pantai ✌️❤️",  # ❤️ is everyone's heart, and a V-sign alone is no number
    "Udah 27 tahun kerja di sini ✌️",  # 27 alone is no date
    "Kostum merah putih semua buat 17an, juara 1 ☝️",
])
def test_innocent_signs_stay_innocent(dated: ProfileMatcher, text: str) -> None:
    assert owners(dated, text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("cobloski nomor tallu nah sodara2ku", ("cobloski nomor tallu", "g3")),
    ("gue mah nomer due aje, pilih yang udah kerja", ("nomer due", "g2")),
    ("honestly I'm voting three on the 27th", ("voting three", "g3")),
    ("pick number two, see u at TPS", ("pick number two", "g2")),
])
def test_regional_and_english_ballot_numbers(dated: ProfileMatcher, text: str, expected: tuple[str, str]) -> None:
    assert expected in owners(dated, text)


@pytest.mark.parametrize("text", [
    "no one cares about the pilkada debate tonight",
    "Lomba dayung: regu nomor telo menang!",
])
def test_numbers_in_other_senses_in_election_texts(dated: ProfileMatcher, text: str) -> None:
    assert owners(dated, text) == []


def test_printed_number_on_a_campaign_prop_in_a_photo(dated: ProfileMatcher) -> None:
    photo = "outfit hari ini\nAlt: Perempuan berseragam PNS memakai pin bulat bergambar pasangan dan angka 2 di dada."
    assert ("angka 2", "g2") in owners(dated, photo)
    cake = "ultah si bungsu\nAlt: Anak meniup lilin angka 3 di atas kue bergambar kartun."
    assert owners(dated, cake) == []
