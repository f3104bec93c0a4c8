"""Find the election profile's candidates and parties in a text and mask them with typed markers.

The classifier must work for elections whose candidates no training data has
seen, so the model never reads a name: the matcher replaces every cue with a
marker that says *what* it is (``[CALON]`` name, ``[NOMOR]`` ballot number or
gesture, ``[TAGAR]`` hashtag, ``[SLOGAN]``, ``[PARTAI]``) and *whose side* it is
on relative to the candidate or party being judged (``..._LAIN`` for the
others). The model then learns patterns of support and attack, not names.

Matching is done on a normalised copy of the text (case-folded, elongated
letters collapsed so "coblooos" reads "coblos" and "AMIIIN" reads "amin",
hashtags split at camel case) with a map back to the original characters.

Context decides for words that are also ordinary words (domain.md §3 hard
negatives): the prayer "amin/aamiin" is not the AMIN ticket, a nephew called
Gibran is not the candidate, "juara 1" or "lantai 3" is no ballot number and
a ✌️ on a beach is no gesture cue. Such *weak* forms only count when the text
(or the post acted on) has an election context: another clear cue or
election vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from models.party_lexicon import COLOUR_EMOJI, forms_for
from models.profile import Candidate, ElectionProfile

CUE_KINDS = ("name", "hashtag", "slogan", "number", "gesture", "emoji", "party", "descriptor", "role", "sign")
# A descriptor ("mantan kapolda") and a role ("petahana") name the candidate as a name does.
MARKERS = {
    "name": "CALON", "hashtag": "TAGAR", "slogan": "SLOGAN", "number": "NOMOR", "gesture": "NOMOR", "emoji": "NOMOR",
    "party": "PARTAI", "descriptor": "CALON", "role": "CALON", "sign": "PARTAI",
}

# Ordinary Indonesian words that profiles use as aliases or slogans; as such they need an election context.
COMMON_WORDS = frozenset(
    """
    amin amien amiin pagi gama maju lanjut lanjutkan perubahan berubah bangkit nyata kerja rakyat adil makmur
    unggul cepat gerak set sat satu dua tiga empat lima menang juara bersama baru hebat jaya sejahtera
    indonesia merdeka harapan bersatu hijau biru merah kuning putih mas bang kang pak bu bapak ibu ustaz
    """.split()
)
# Words directly before a name that show it is someone or something else (domain.md §3: "people or
# places sharing a candidate's name").
OTHER_REFERENT = frozenset(
    """
    keponakan ponakan ponakanku keponakanku anak anakku adik adikku adek dek cucu cucuku kakak kak si
    sepupu teman temanku kawan jalan jl jln gang gg masjid musala mushola sd smp sma smk desa kampung
    dusun toko warung bengkel klinik rs apotek kafe cafe bayi baby
    """.split()
)
PRAYER_WORDS = ("semoga", "moga", "mudah2an", "mudahan", "doa", "insya", "insyaallah", "allah", "rabb", "yra",
                "aamiin", "amiin", "berkah", "barakallah", "alhamdulillah")
ELECTION_WORDS = frozenset(
    """
    coblos nyoblos coblosan pilih pilihlah memilih milih dipilih pilihan vote paslon capres cawapres cagub cawagub cabup
    pilgub pilbup pilwalkot pilwali pemilihan caleg dprd dpr
    cawabup cawalkot calon kandidat kampanye pilkada pemilu pilpres pileg tps relawan timses pemenangan
    debat menang menangkan memenangkan dukung dukungan mendukung baliho spanduk deklarasi urut suara
    presiden bupati gubernur walikota wakil periode golput kpu bawaslu partai koalisi twibbon
    pendukung simpatisan kader orasi pilihanku nyaleg nyalon voting
    """.split()
)
# Words about who leads and whether they go on: they make a role or a trait ("wali kota sekarang", "mantan
# kapolda") a reference to a candidate ("... su kerja, kasi lanjut", "... yang pantas pimpin"), but they are too
# common to make a ballot number or a gesture one. Not "memimpin"/"mimpin": "Pak Wali Kota memimpin apel" is
# an official duty post.
LEADERSHIP_WORDS = frozenset(
    """
    pimpin pemimpin dipimpin kepemimpinan lanjut lanjutkan lanjutke lanjutno lanjutken dilanjutkan
    diteruskan diterusin teruskan ganti diganti gnti gantiin menjabat jabatan jilid
    """.split()
)
# The ballot box emoji is election vocabulary written as a picture.
ELECTION_EMOJI = ("\U0001f5f3",)
# Month names as people write them, for the voting day ("27 November", "14 Feb", "Nopember 27th").
MONTHS = {
    1: "januari|january|jan", 2: "februari|pebruari|february|feb|peb", 3: "maret|march|mar",
    4: "april|apr", 5: "mei|may", 6: "juni|june|jun", 7: "juli|july|jul", 8: "agustus|august|agu|agt|aug",
    9: "september|sept|sep", 10: "oktober|october|okt|oct", 11: "november|nopember|nov|nop",
    12: "desember|december|des|dec",
}
# A photo's alt text showing campaign attributes: a printed number on a prop with a picture or words on it
# ("stiker oranye bergambar pria berkacamata dengan angka 3"), in one sentence. Cakes, candles and ages
# carry numbers too ("lilin angka 4"): a sentence with those words is left alone, and sports shirts
# (jersey, "nomor punggung") are no props.
CAMPAIGN_PROPS = ("baliho", "spanduk", "stiker", "sticker", "selempang", "pin", "rompi", "poster", "pamflet",
                  "brosur", "bendera", "kaus", "kaos", "banner", "kalender", "umbul")
PRINTED = ("bergambar", "bertuliskan", "berlogo", "bertulisan", "foto", "wajah")
NOT_CAMPAIGN_PRINT = ("kue", "lilin", "ulang", "ultah", "umur", "usia", "tahun", "balon", "lomba", "juara",
                      "jersey", "punggung")
# Ballot numbers in Indonesian and the regional languages civil servants write in: Javanese, Sundanese,
# Batak (Toba), Minang, Bugis, Banjar, Balinese. Only read next to a ballot word or "jari", never alone.
# Also Betawi (atu, due), Madurese (settong, tello), Sasak (sekeq), Makassar (tallu), Balinese (ruwa)
# and English, which code-mixed posts use ("number two", "vote satu").
NUMBER_WORDS = {
    1: ("satu", "siji", "hiji", "sada", "ciek", "seddi", "besik", "atu", "settong", "sekeq", "one"),
    2: ("dua", "loro", "kalih", "duo", "due", "ruwa", "two"),
    3: ("tiga", "telu", "tilu", "tolu", "tigo", "tellu", "talu", "tallu", "tello", "telo", "three"),
    4: ("empat", "papat", "opat", "ampek", "eppa", "ampat", "four"),
    5: ("lima", "limo", "lime", "five"),
    6: ("enam", "genep", "onom", "anam", "six"),
    7: ("tujuh", "pitu", "tujuah", "seven"),
    8: ("delapan", "wolu", "dalapan", "eight"),
    9: ("sembilan", "songo", "sanga", "sambilan", "nine"),
    10: ("sepuluh", "ten"),
}
# Keycap digits (1️⃣): the digit, an optional variation selector, the enclosing keycap.
KEYCAP = "\ufe0f?\u20e3"
SKIN_TONE = "[\U0001f3fb-\U0001f3ff]?"
# Hand gestures written as emoji; BKN's list of prohibited poses (domain.md §3).
GESTURE_EMOJI = {"☝": 1, "👆": 1, "✌": 2, "🤟": 3}
# Words that make a following number a ballot number ("coblos 2", "paslon nomor 1", "no. urut 3").
# Typos and regional forms included ("cblos", "plih", Javanese "pilihen", "coblosen"): slang vote calls are
# the clearest partisanship there is.
BALLOT_PREFIX = (
    r"(?:coblos|cblos|cobols|coblosen|nyoblos|nyblos|pilih|plih|pilihen|pilei|milih|contreng|paslon|pasangan|paket|"
    r"capres|cawapres|cagub|cabup|cawalkot|calon|kandidat|dukung|menangkan|urut|nomor urut|no urut|nmr urut|"
    r"vote|voting|pick)"
    # Regional particles glued to the verb: Makassar "cobloski", Javanese "cobloso", "pilihlah".
    r"(?:ki|ko|mi|o|lah)?"
)
PLAIN_PREFIX = r"(?:nomor|nomer|nmr|no|number)"
SPELLED_PREFIX = r"(?:nomor|nomer|nmr|number)"
NOT_AFTER_NO = frozenset("one two thre four five six seven eight nine ten due".split())  # as normalised
# Phrases that give a number another sense even after "nomor" ("nomor 2 dari kiri", "lantai 3").
OTHER_NUMBER_AFTER = re.compile(r"^\s*(?:dari\s+(?:kiri|kanan|depan|belakang|atas|bawah)|tahun|thn|th|bulan|jam|hari|"
                                r"lantai|orang|kali|x\b|%|persen|ribu|juta|rb|jt|kg|km|menit|antri)")
OTHER_NUMBER_BEFORE = re.compile(r"(?:juara|lantai|kamar|rumah|meja|antrian|antrean|ruang|kelas|jam|pukul|"
                                 r"tahun|bab|pasal|ayat|halaman|hal|rt|rw|gang|gg|blok|kursi|loket|regu|tim)\s*$")


@dataclass(frozen=True)
class Cue:
    """One piece of evidence: where it is in the original text and whom it points to."""

    text: str
    start: int
    end: int
    kind: str
    candidate: str | None
    party: str | None
    field: str = "text"

    @property
    def label(self) -> str:
        owner = self.candidate or self.party or "?"
        return f"{self.kind}:{self.text}→{owner}"


@dataclass(frozen=True)
class Target:
    """What a stance is judged toward: a candidate (``kind='candidate'``) or a party."""

    kind: str
    id: str

    def owns(self, cue: Cue, profile: ElectionProfile) -> bool:
        if self.kind == "candidate":
            if cue.candidate is not None:
                return cue.candidate == self.id
            cand = profile.candidate(self.id)
            return cand is not None and cue.party is not None and _in_coalition(cue.party, cand)
        if cue.party is not None:
            return cue.party.lower() == self.id.lower()
        if cue.candidate is not None:
            cand = profile.candidate(cue.candidate)
            return cand is not None and _in_coalition(self.id, cand)
        return False


def _in_coalition(party: str, cand: Candidate) -> bool:
    return party.lower() in {p.lower() for p in cand.parties}


# ----------------------------------------------------------------------------- normalisation


@dataclass(frozen=True)
class Normalised:
    text: str
    origin: tuple[int, ...]  # original index of each normalised character
    elongated: tuple[bool, ...]  # whether a run of repeated letters was collapsed at this character


def normalise(text: str) -> Normalised:
    """Case-fold, collapse repeated letters and split hashtags at camel case, keeping a map to ``text``."""
    out: list[str] = []
    origin: list[int] = []
    elong: list[bool] = []
    in_hashtag = False
    prev_raw = ""
    for i, raw in enumerate(text):
        folded = unicodedata.normalize("NFKC", raw).casefold()
        if raw == "#":
            in_hashtag = True
        elif not (raw.isalnum() or raw == "_"):
            in_hashtag = False
        elif in_hashtag and out and (
            (raw.isupper() and prev_raw.islower()) or (raw.isdigit() != prev_raw.isdigit() and prev_raw != "#")
        ):
            out.append(" ")
            origin.append(i)
            elong.append(False)
        for ch in folded:
            if ch.isalpha() and out and out[-1] == ch:
                elong[-1] = True
                continue
            out.append(ch)
            origin.append(i)
            elong.append(False)
        prev_raw = raw
    return Normalised("".join(out), tuple(origin), tuple(elong))


def _norm_pattern(phrase: str) -> str:
    return normalise(phrase).text


SEPARATOR = r"[\s\-–—_.'’&+]*"
# How people shorten or spell the words of roles and traits ("wagub skrg" for "wakil gubernur sekarang",
# "wali kota sing saiki", "calon perempuan pertame"): used for descriptor and role phrases only, never
# for names. Keys are sequences of normalised words; each variant is written as words too.
SPELLINGS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("wakil", "gubernur"): ("wakil gubernur", "wagub", "wakil gub"),
    ("wakil", "bupati"): ("wakil bupati", "wabup"),
    ("wakil", "presiden"): ("wakil presiden", "wapres"),
    ("wakil", "wali", "kota"): ("wakil wali kota", "wakil walikota", "wawali", "wawalkot"),
    ("wali", "kota"): ("wali kota", "walikota", "walkot"),
    ("kepala", "dinas"): ("kepala dinas", "kadis"),
    ("sekarang",): ("sekarang", "skrg", "skrng", "skarang", "sekarng", "saat ini", "kini", "saiki", "sapunika",
                    "kiwari", "yang ada", "nang ada"),
    ("yang",): ("yang", "yg", "nang", "sing", "sane"),
    ("pakai",): ("pakai", "pake", "pakek"),
    ("kampung",): ("kampung", "kampong"),
    ("pertama",): ("pertama", "pertame"),
    ("mantan",): ("mantan", "eks", "ex", "bekas"),
    ("suka",): ("suka", "demen", "seneng", "doyan", "hobi"),
    ("muda",): ("muda", "mude", "enom"),
}


def _words_regex(words: list[str]) -> str:
    return SEPARATOR.join(re.escape(w) for w in words)


def _phrase_regex(phrase: str, spellings: bool = False) -> str:
    words = re.findall(r"[^\W_]+", _norm_pattern(phrase))
    if not spellings:
        return _words_regex(words)
    parts: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            variants = SPELLINGS.get(tuple(words[i : i + size]))
            if variants is not None:
                parts.append("(?:" + "|".join(_words_regex(v.split()) for v in variants) + ")")
                i += size
                break
        else:
            parts.append(re.escape(words[i]))
            i += 1
    return SEPARATOR.join(parts)


# Words that say nothing about who is meant: a shortened trait must keep at least one other word
# ("mantan ketua KNPI" from "mantan ketua KNPI kabupaten", never "mantan ketua").
GENERIC_TRAIT_WORDS = frozenset(
    """
    mantan eks bekas ketua wakil kepala calon cagub cabup cawalkot capres caleg yang paling satu satunya pertama
    perempuan pria laki anak bapak bapa ibu pak bu mama papa pengusaha juragan pemilik bos anggota pendiri dari di
    ke dan untuk the a of pasangan sekarang muda dokter guru orang wali kota gubernur bupati presiden dinas
    dpr dprd ri rakyat dewan tuan ustaz ustazah ustadz ustadzah kyai kiai haji buya tokoh warga desa kampung
    """.split()
)
TRAIT_TAIL_STOP = frozenset("yang dari di ke dan untuk bareng dengan sama pada the of".split())
# As the matcher reads them ("anggota" is "angota" once doubled letters are collapsed).
GENERIC_TRAIT_KEYS = frozenset(normalise(w).text for w in GENERIC_TRAIT_WORDS)


def trait_heads(descriptor: str) -> list[str]:
    """Shorter forms of a long trait that writers use: the trait without its trailing place or qualifier
    ("juragan bawang merah dari Samalaju" → "juragan bawang merah", "juragan bawang")."""
    words = re.findall(r"[^\W_]+", _norm_pattern(descriptor))
    heads = []
    for size in range(len(words) - 1, 1, -1):
        head = words[:size]
        if head[-1] in TRAIT_TAIL_STOP or all(w in GENERIC_TRAIT_KEYS for w in head):
            continue
        heads.append(" ".join(head))
    return heads


# ----------------------------------------------------------------------------- the matcher


@dataclass(frozen=True)
class _Form:
    regex: re.Pattern[str]
    kind: str
    candidate: str | None
    party: str | None
    weak: bool
    acronym: str | None  # the upper-case spelling an acronym alias must have when it is also a common word
    person: bool  # a person's name: "keponakan Gibran" is someone else


INCUMBENT_ROLES = ("petahana", "sang petahana", "calon petahana", "paslon petahana", "incumbent",
                   "yang lagi menjabat", "yang sedang menjabat", "yang masih menjabat")
# The office's own word for the incumbent ("bupati petahana", "gubernur sekarang").
OFFICE_WORDS = {"bupati": "bupati", "gubernur": "gubernur", "walikota": "wali kota", "presiden": "presiden"}
# Offices whose "petahana" is someone else when the election is for another office: "bupati petahana" in a
# governor's race is not the governor running again.
OFFICES = {
    "bupati": ("bupati", "wabup"), "gubernur": ("gubernur", "wagub", "gub"), "walikota": ("walikota", "wali kota",
    "walkot", "wawali"), "presiden": ("presiden", "wapres"), "dpr": ("dewan", "dpr", "caleg", "anggota"),
    "dprd": ("dewan", "dprd", "caleg", "anggota"), "dpd": ("dpd", "senator"),
}
OTHER_OFFICE_WORDS = ("kades", "kepala desa", "camat", "lurah", "rektor", "dekan", "ketua", "kapolda", "kapolres")
# Office words that point to the incumbent when the incumbent is running: "pak gub" in a governor race.
OFFICE_ROLES = {
    "bupati": ("pak bupati", "bu bupati", "pak bup", "bupati sekarang", "bupati kita", "bupati yang sekarang"),
    "gubernur": ("pak gubernur", "bu gubernur", "pak gub", "bu gub", "gubernur sekarang", "gubernur kita",
                 "gub sekarang", "gubernur yang sekarang"),
    "walikota": ("pak wali", "bu wali", "pak walikota", "pak wali kota", "wali kota sekarang", "walikota sekarang",
                 "walkot sekarang", "wali kota yang sekarang"),
    "presiden": ("pak presiden", "presiden sekarang", "presiden kita", "presiden yang sekarang"),
    "dprd": ("petahana dewan", "pak dewan", "anggota dewan sekarang"),
    "dpr": ("petahana dewan", "pak dewan", "anggota dewan sekarang"),
}


class ProfileMatcher:
    """Finds the cues of one election profile in texts."""

    def __init__(self, profile: ElectionProfile) -> None:
        self.profile = profile
        self.forms = self._build_forms(profile)
        self.numbers = self._number_owners(profile)
        self.coalition = self._coalition_owners(profile)
        self.signs = self._party_signs(profile)
        self.voting_day = _date_regex(profile.voting_day.day, profile.voting_day.month) if profile.voting_day else None
        # Listed campaign hashtags as bare letters and digits: "#yomar_jilid_2" is "#YOMARJilid2".
        self.hashtag_keys = {_squash(tag): cand.id for cand in profile.candidates for tag in cand.hashtags
                             if len(_squash(tag)) >= 5}

    @staticmethod
    def _coalition_owners(profile: ElectionProfile) -> dict[str, str]:
        """Party → the one pair it backs, outside legislative elections (where parties are the choice)."""
        if profile.level in ("dpr", "dprd"):
            return {}
        backers: dict[str, set[str]] = {}
        for cand in profile.candidates:
            for party in cand.parties:
                backers.setdefault(party.lower(), set()).add(cand.id)
        return {party: next(iter(ids)) for party, ids in backers.items() if len(ids) == 1}

    @staticmethod
    def _party_signs(profile: ElectionProfile) -> list[tuple[str, str]]:
        """(emoji, party) pairs: each party's symbol, and its colour where no other party of the election shares it."""
        names = [(p.name, tuple(p.aliases)) for p in profile.parties]
        listed = {p.name.lower() for p in profile.parties}
        for cand in profile.candidates:
            names.extend((n, ()) for n in cand.parties if n.lower() not in listed and not listed.add(n.lower()))
        entries = [(name, forms_for(name, aliases)) for name, aliases in names]
        owners: dict[str, set[str]] = {}
        for name, entry in entries:
            if entry is None:
                continue
            signs = set(entry.emoji) | {e for c in entry.colours for e in COLOUR_EMOJI.get(c, ())}
            for sign in signs:
                owners.setdefault(sign, set()).add(name)
        return sorted((sign, next(iter(parties))) for sign, parties in owners.items() if len(parties) == 1)

    # -- building

    @staticmethod
    def _build_forms(profile: ElectionProfile) -> list[_Form]:
        forms: list[_Form] = []
        seen: set[tuple[str, str | None, str | None]] = set()
        # Shortened traits, kept only where they single out one candidate of this election.
        head_owners: dict[str, set[str]] = {}
        full_traits = {" ".join(re.findall(r"[^\W_]+", _norm_pattern(d))) for c in profile.candidates
                       for d in c.descriptors}
        for cand in profile.candidates:
            for descriptor in cand.descriptors:
                for head in trait_heads(descriptor):
                    head_owners.setdefault(head, set()).add(cand.id)
        heads: dict[str, list[str]] = {}
        for head, ids in head_owners.items():
            if len(ids) == 1 and head not in full_traits:
                heads.setdefault(next(iter(ids)), []).append(head)

        def add(phrase: str, kind: str, candidate: str | None, party: str | None, person: bool = False,
                weak_always: bool = False) -> None:
            # Hashtags are normalised with their '#' so camel-case splitting matches the text's.
            pattern = _phrase_regex(phrase, spellings=kind in ("descriptor", "role"))
            if not pattern or (pattern, candidate, party) in seen:
                return
            seen.add((pattern, candidate, party))
            words = re.findall(r"[^\W_]+", _norm_pattern(phrase))
            is_acronym = phrase.isupper() and len(words) == 1 and len(phrase) >= 2
            weak = weak_always or kind == "slogan" or all(w in COMMON_WORDS or w.isdigit() for w in words)
            if kind == "hashtag":
                weak = False
            regex = re.compile(rf"(?<![^\W_]){pattern}(?![^\W_])")
            forms.append(_Form(regex, kind, candidate, party, weak, phrase if (is_acronym and weak) else None, person))

        for cand in profile.candidates:
            # Only full names and the profile's aliases: surnames alone ("Wibowo", "Kusuma") are too common.
            for name in cand.names:
                add(name, "name", cand.id, None, person=True)
            for alias in cand.aliases:
                add(alias, "name", cand.id, None, person=not alias.isupper())
            for slogan in cand.slogans:
                add(slogan, "slogan", cand.id, None)
            for tag in cand.hashtags:
                add(tag, "hashtag", cand.id, None)
            # A trait ("mantan kapolda") may describe someone else too: it needs an election context.
            for descriptor in cand.descriptors:
                add(descriptor, "descriptor", cand.id, None, weak_always=True)
            for head in heads.get(cand.id, ()):
                add(head, "descriptor", cand.id, None, weak_always=True)
            if cand.incumbent:
                for phrase in INCUMBENT_ROLES:
                    add(phrase, "role", cand.id, None)
                office = OFFICE_WORDS.get(profile.level or "")
                if office is not None:
                    add(f"{office} petahana", "role", cand.id, None)
                for phrase in OFFICE_ROLES.get(profile.level or "", ()):
                    add(phrase, "role", cand.id, None, weak_always=True)
        party_names = [(p.name, tuple(p.aliases)) for p in profile.parties]
        listed = {p.name.lower() for p in profile.parties}
        for cand in profile.candidates:
            for name in cand.parties:
                if name.lower() not in listed:
                    listed.add(name.lower())
                    party_names.append((name, ()))
        colours: Counter[str] = Counter()
        lexicon = {name: forms_for(name, aliases) for name, aliases in party_names}
        for entry in lexicon.values():
            colours.update(entry.colours if entry else ())
        for name, aliases in party_names:
            for form in (name, *aliases):
                add(form, "party", None, name)
            entry = lexicon[name]
            if entry is None:
                continue
            for nickname in entry.nicknames:
                # One word ("banteng", "matahari") is also an ordinary word: it needs an election context.
                add(nickname, "party", None, name, weak_always=" " not in nickname)
            for colour in entry.colours:
                if colours[colour] == 1:  # a colour two parties of this election share points to neither
                    add(f"partai {colour}", "party", None, name)
                    add(colour, "colour", None, name, weak_always=True)
        # Longer forms first so "Prabowo-Gibran" wins over "Prabowo".
        forms.sort(key=lambda f: -len(f.regex.pattern))
        return forms

    @staticmethod
    def _number_owners(profile: ElectionProfile) -> dict[int, tuple[str | None, str | None]]:
        owners: dict[int, tuple[str | None, str | None]] = {}
        legislative = profile.level in ("dpr", "dprd")
        if not legislative:
            for cand in profile.candidates:
                owners[cand.number] = (cand.id, None)
        for party in profile.parties:
            if party.number is not None and (legislative or party.number not in owners):
                owners.setdefault(party.number, (None, party.name))
        return owners

    # -- matching

    def find(self, text: str, context: str | None = None, field: str = "text", keep_weak: bool = False) -> list[Cue]:
        """The cues in ``text``; ``context`` (the post acted on) only helps decide weak forms.

        ``keep_weak`` keeps the weak forms that lack an election context too (a bare "nomor 3", "☝️", a
        trait): they are no evidence that an act is partisan, but they say whom an act already judged
        partisan is about (``models.resolve``).
        """
        if not text:
            return []
        norm = normalise(text)
        context_norm = normalise(context).text if context is not None else None
        strong_context = self._election_context(norm.text) or (
            context_norm is not None and self._election_context(context_norm)
        )
        # Roles and traits also read as candidates where the text talks of leading or going on.
        leadership = strong_context or _has_leadership_words(norm.text) or (
            context_norm is not None and _has_leadership_words(context_norm)
        )
        taken = [False] * len(norm.text)
        raw: list[tuple[int, int, str, str | None, str | None, bool]] = []
        strong_forms = [f for f in self.forms if not f.weak]

        def claim(s: int, e: int) -> bool:
            if any(taken[s:e]):
                return False
            for k in range(s, e):
                taken[k] = True
            return True

        # Hashtags first: "#AniesPresiden" is one hashtag cue, not a name inside a word.
        raw.extend(self._hashtags(text, norm, claim))
        for form in self.forms:
            for m in form.regex.finditer(norm.text):
                s, e = m.span()
                if form.person and _other_referent_before(norm.text, s):
                    continue
                if form.acronym is not None and not _acronym_as_written(text, norm, s, e, form.acronym):
                    continue
                if form.kind == "role" and self._other_office_before(norm.text, s):
                    continue
                # A party's colour word: "merah putih" is the flag, "merah muda" pink.
                if form.kind == "colour" and NOT_PARTY_COLOUR.match(norm.text, e):
                    continue
                # "Insya Allah AMIN menang": next to prayer words the ticket needs an election context.
                weak = form.weak and not (form.acronym is not None and not _prayer_around(norm.text, s, e))
                # A role or trait that holds a strong cue of the same side is as strong ("petahana dewan").
                if weak and form.kind in ("role", "descriptor") and any(
                        f.candidate == form.candidate and f.party == form.party and f.regex.search(norm.text, s, e)
                        for f in strong_forms):
                    weak = False
                if weak and form.kind in ("descriptor", "role") and leadership and not strong_context:
                    weak = False
                if form.kind == "hashtag" and s > 0 and norm.text[s - 1] == "#":
                    s -= 1
                if claim(s, e):
                    raw.append((s, e, form.kind, form.candidate, form.party, weak))
        raw.extend(self._numbers(text, norm, claim))
        raw.extend(self._signs(norm, claim, raw))

        has_strong = any(not weak for *_, weak in raw)

        def side(cand: str | None, party: str | None) -> tuple[str | None, str | None]:
            # "partai banteng" in a pair race is that pair's: a coalition party backs its pair's number.
            if cand is None and party is not None and party.lower() in self.coalition:
                return self.coalition[party.lower()], None
            return cand, party

        # Weak cues of different kinds pointing to the same candidate back each other up ("tiga jari 🤟",
        # "2️⃣🐂" where the banteng's party backs pair 2).
        weak_kinds: dict[tuple[str | None, str | None], set[str]] = {}
        for _, _, kind, cand, party, weak in raw:
            # A colour word ("gula merah", "nasi kuning") never backs a number: it counts only in an election context.
            if weak and kind != "colour":
                weak_kinds.setdefault(side(cand, party), set()).add(kind)
        cues: list[Cue] = []
        for s, e, kind, cand, party, weak in sorted(raw):
            backed = len(weak_kinds.get(side(cand, party), ())) >= 2
            if weak and not (has_strong or strong_context or backed or keep_weak):
                continue
            start, end = norm.origin[s], norm.origin[e - 1] + 1
            # A cue ending in a collapsed run of letters ends where the run does ("three", "duaaa").
            while norm.elongated[e - 1] and end < len(text) and text[end].casefold() == text[end - 1].casefold():
                end += 1
            if cand is None and party is not None:
                cand = self.coalition.get(party.lower())
            cues.append(Cue(text[start:end], start, end, "party" if kind == "colour" else kind, cand, party, field))
        return cues

    def _other_office_before(self, norm_text: str, start: int) -> bool:
        """"bupati petahana" in a governor's race, "kades incumbent": the incumbent of an office not elected here."""
        before = norm_text[max(0, start - 16) : start]
        own = OFFICES.get(self.profile.level or "", ())
        others = [w for office, words in OFFICES.items() if office != self.profile.level for w in words
                  if w not in own] + list(OTHER_OFFICE_WORDS)
        return any(re.search(rf"(?<![^\W_]){re.escape(w)}\s*$", before) for w in others)

    def _election_context(self, norm_text: str) -> bool:
        """Election words, the ballot box emoji or the voting day's date make weak cues count."""
        if _has_election_words(norm_text) or any(e in norm_text for e in ELECTION_EMOJI):
            return True
        return self.voting_day is not None and bool(self.voting_day.search(norm_text))

    def _signs(self, norm: Normalised, claim, raw: list[tuple]) -> list[tuple]:  # type: ignore[no-untyped-def]
        """Party signs (🐂, 💛) written right beside a ballot-number sign of that party's pair ("2️⃣🐂",
        "☝️💛"): a weak cue that backs the number. Elsewhere a sign is nobody's ("3️⃣ years here 🧡")."""
        t = norm.text
        numbers = [(s, e, cand) for s, e, kind, cand, _party, _weak in raw if kind in ("emoji", "number", "gesture")]
        found = []
        for sign, party in self.signs:
            pair = self.coalition.get(party.lower())
            if pair is None:
                continue
            for m in re.finditer(re.escape(sign) + "\ufe0f?", t):
                s, e = m.span()
                beside = any(cand == pair and (_only_signs_between(t, e0, s) or _only_signs_between(t, e, s0))
                             for s0, e0, cand in numbers)
                if beside and claim(s, e):
                    found.append((s, e, "sign", None, party, True))
        return found

    def _numbers(self, text: str, norm: Normalised, claim) -> list[tuple]:  # type: ignore[no-untyped-def]
        found = []
        t = norm.text
        for number, (cand, party) in self.numbers.items():
            spelled = _spelled(number)
            words = "|".join((rf"0?{number}",) + spelled)
            # "no one", "no due date": after a bare "no" English words are not numbers.
            local = "|".join((rf"0?{number}",) + tuple(w for w in spelled if w not in NOT_AFTER_NO))
            patterns = [
                (rf"(?:salam|pose|gaya|acung(?:kan)?)\s*(?:{words})\s*jari", "gesture", False),
                # A photo description: "membentuk angka tujuh dengan jari".
                (rf"(?<![^\W_])angka\s*(?:{words})\s*dengan\s*jari(?![^\W_])", "gesture", False),
                (rf"(?<![^\W_])(?:{words})\s*jari(?![^\W_])", "gesture", True),
                (rf"(?<![^\W_]){BALLOT_PREFIX}\.?\s*(?:{PLAIN_PREFIX}\.?\s*)?(?:{words})(?![^\W_])", "number", False),
                (rf"(?<![^\W_])(?:{SPELLED_PREFIX}\.?\s*(?:{words})|no\.?\s*(?:{local}))(?![^\W_])", "number", True),
                (rf"#0{number}(?!\d)|(?<![\w.,:/-])0{number}(?![\w.:/]|,\d)", "number", number < 10),
            ]
            for pattern, kind, weak in patterns:
                for m in re.finditer(pattern, t):
                    s, e = m.span()
                    if OTHER_NUMBER_BEFORE.search(t[max(0, s - 12) : s]) or OTHER_NUMBER_AFTER.match(t[e : e + 16]):
                        continue
                    if claim(s, e):
                        found.append((s, e, kind, cand, party, weak))
        # Enumerations after a ballot number: "pasangan nomor 1, 2 dan 3".
        for _s, e0, _kind, *_ in [f for f in found if f[2] == "number" and not f[5]]:
            pos = e0
            while m := re.match(r"\s*(?:,|dan|&|/|atau|vs\.?|versus|-)\s*0?(\d{1,2})(?![\w.,:/])", t[pos:]):
                number = int(m.group(1))
                s, e = pos + m.start(1), pos + m.end(1)
                owner = self.numbers.get(number)
                if owner is None or not claim(s, e):
                    break
                found.append((s, e, "number", owner[0], owner[1], False))
                pos = e
        for number, (cand, party) in self.numbers.items():
            if number > 9:
                continue
            for m in re.finditer(rf"(?<!\d){number}{KEYCAP}", t):
                s, e = m.span()
                if claim(s, e):
                    found.append((s, e, "emoji", cand, party, True))
        for emoji, number in GESTURE_EMOJI.items():
            owner = self.numbers.get(number)
            if owner is None:
                continue
            for m in re.finditer(re.escape(emoji) + "\ufe0f?" + SKIN_TONE, t):
                s, e = m.span()
                if claim(s, e):
                    found.append((s, e, "emoji", owner[0], owner[1], True))
        # A printed number on a campaign prop in a photo description: strong, as a ballot number on a poster is.
        for m in re.finditer(r"(?<![^\W_])angka\s*(\d{1,2})(?![\w.,:/])", t):
            owner = self.numbers.get(int(m.group(1)))
            if owner is None:
                continue
            sentence = _sentence_words(t, m.start())
            if (any(w in CAMPAIGN_PROPS for w in sentence) and any(w in PRINTED for w in sentence)
                    and not any(w in NOT_CAMPAIGN_PRINT for w in sentence) and claim(*m.span())):
                found.append((*m.span(), "number", owner[0], owner[1], False))
        return found

    def _hashtags(self, text: str, norm: Normalised, claim) -> list[tuple]:  # type: ignore[no-untyped-def]
        """Hashtags the profile does not list but that carry a candidate's name ("#PrabowoLagi")."""
        found = []
        for m in re.finditer(r"#[^\W_]\w*", text):
            # Map the original hashtag onto the normalised text (which may hold inserted camel-case spaces).
            inside = [k for k, o in enumerate(norm.origin) if m.start() <= o < m.end()]
            if not inside:
                continue
            s, e = inside[0], inside[-1] + 1
            listed = self.hashtag_keys.get(_squash(m.group(0)))
            owner = (listed, None) if listed else self._hashtag_owner(norm.text[s + 1 : e].replace(" ", ""))
            if owner is not None and claim(s, e):
                found.append((s, e, "hashtag", owner[0], owner[1], False))
        return found

    @lru_cache(maxsize=4096)  # noqa: B019 - one matcher per profile, kept for the process
    def _hashtag_owner(self, body: str) -> tuple[str | None, str | None] | None:
        hits: Counter[tuple[str | None, str | None]] = Counter()
        for cand in self.profile.candidates:
            for phrase in (*cand.names, *cand.aliases):
                key = re.sub(r"[\W_]+", "", _norm_pattern(phrase))
                if len(key) >= 4 and key not in COMMON_WORDS and key in body:
                    hits[(cand.id, None)] += len(key)
        if not hits:
            return None
        return hits.most_common(1)[0][0]

    # -- helpers for the classifier

    def targets(self, cues: list[Cue]) -> list[Target]:
        """Candidates and parties the cues point to, most cued first."""
        counts: Counter[Target] = Counter()
        for cue in cues:
            if cue.candidate is not None:
                counts[Target("candidate", cue.candidate)] += 1
            elif cue.party is not None:
                counts[Target("party", cue.party)] += 1
        return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].kind, kv[0].id))]

    def mask(self, text: str, cues: list[Cue], target: Target | None) -> str:
        """Replace each cue by its marker; cues not on ``target``'s side get the ``_LAIN`` marker."""
        out = []
        pos = 0
        for cue in sorted(cues, key=lambda c: c.start):
            if cue.start < pos:
                continue
            marker = MARKERS[cue.kind]
            if target is not None and not target.owns(cue, self.profile):
                marker += "_LAIN"
            out.append(text[pos : cue.start])
            out.append(f"[{marker}]")
            pos = cue.end
        out.append(text[pos:])
        return "".join(out)


def _squash(text: str) -> str:
    """Letters and digits only, case-folded, repeated letters collapsed."""
    return re.sub(r"[\W_]+", "", normalise(text).text)


def _has_election_words(norm_text: str) -> bool:
    return any(w in ELECTION_WORDS for w in re.findall(r"[^\W\d_]+", norm_text))


NOT_PARTY_COLOUR = re.compile(r"\W*(?:putih|muda|bata|marun|jambu|tua)(?![^\W_])")
# Abbreviations that end in a full stop inside a phrase ("Jl. Sutrisno", "Gg. Teguh"): no sentence ends there.
ABBREVIATIONS = frozenset("jl jln gg rs sd smp sma smk kak dek".split())


def _other_referent_before(norm_text: str, start: int) -> bool:
    """The word right before a name marks someone else ("keponakan Gibran", "Jalan Sutrisno"), but only
    within the same sentence: "... dari masjid. Bang Teguh ..." is the candidate."""
    m = re.search(r"([^\W_]+)([^\w]*)$", norm_text[max(0, start - 24) : start])
    if m is None or m.group(1) not in OTHER_REFERENT:
        return False
    gap = m.group(2)
    if re.search(r"[!?;:,\n\u2026]", gap):
        return False
    return "." not in gap or m.group(1) in ABBREVIATIONS


@lru_cache(maxsize=16)
def _spelled(number: int) -> tuple[str, ...]:
    """The number's words as the normalised text spells them ("three" reads "thre", "settong" "setong")."""
    return tuple(dict.fromkeys(normalise(w).text for w in NUMBER_WORDS.get(number, ())))


def _only_signs_between(t: str, a: int, b: int) -> bool:
    """Between ``a`` and ``b`` (in order) at most a few characters and none of them letters or digits."""
    return 0 <= b - a <= 4 and not re.search(r"[^\W_]", t[a:b])


def _sentence_words(norm_text: str, pos: int) -> list[str]:
    """The words of the sentence (or line) around ``pos``."""
    start = max(norm_text.rfind(ch, 0, pos) for ch in ".!?\n;") + 1
    ends = [k for k in (norm_text.find(ch, pos) for ch in ".!?\n;") if k != -1]
    return re.findall(r"[^\W\d_]+", norm_text[start : min(ends) if ends else len(norm_text)])


def _has_leadership_words(norm_text: str) -> bool:
    return any(w in LEADERSHIP_WORDS for w in re.findall(r"[^\W\d_]+", norm_text))


def _date_regex(day: int, month: int) -> re.Pattern[str]:
    """The voting day as people write it: "27/11", "27.11.2034", "27 November", "Nov 27th"."""
    names = MONTHS[month]
    d = rf"0?{day}(?:st|nd|rd|th)?"
    return re.compile(
        rf"(?<![\d/.,]){d}\s*[/.\-]\s*0?{month}(?![\d,])|"
        rf"(?<![^\W_]){d}\s*(?:{names})(?![^\W_])|(?<![^\W_])(?:{names})\.?\s*{d}(?![^\W_])"
    )


def _acronym_as_written(text: str, norm: Normalised, s: int, e: int, acronym: str) -> bool:
    """An alias like AMIN that is also a word counts only when written in capitals and not elongated."""
    if any(norm.elongated[s:e]):
        return False
    written = text[norm.origin[s] : norm.origin[e - 1] + 1]
    letters = [c for c in written if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _prayer_around(norm_text: str, s: int, e: int) -> bool:
    before = norm_text[max(0, s - 40) : s]
    after = norm_text[e : e + 20]
    return any(w in before for w in PRAYER_WORDS) or bool(re.match(r"^\W*(?:ya\s*(?:allah|rab)|yra|allahumma)", after))


@lru_cache(maxsize=64)
def matcher_for(profile: ElectionProfile) -> ProfileMatcher:
    return ProfileMatcher(profile)
