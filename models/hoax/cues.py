"""What an act does with a claim it resembles: repeat it, debunk it, or ask about it.

Surface cues, in Indonesian and in the regional languages acts are written in (Javanese,
Sundanese, Minang, Betawi/Jakarta slang, Banjar, Bugis), because a share of the debunk and a
share of the hoax are about the same claim and look alike to the encoder:

- **debunk**: the act calls it a hoax ("hoaks!", "tidak benar", "ora bener", "jangan percaya",
  "ulah percaya"), points to the fact-check ("cek fakta", "faktanya", "[SALAH]", the debunk's URL
  or its publisher's name), or quotes a correction ("sudah dibantah", "klarifikasi");
- **negated debunk**: what spreaders write to pre-empt the label ("bukan hoaks", "ini fakta",
  "dudu hoaks", "lain hoaks"), which counts as spreading;
- **question**: a question about the claim ("benarkah …?", "apa bener …?", "opo bener",
  "leres kitu?", "mohon dicek") rather than an assertion;
- **spread**: a call to pass it on ("sebarkan", "viralkan", "sebelum dihapus").

Which cues decide, and how, is :class:`models.hoax.matcher.HoaxRules` (its values chosen on the
validation split of the labelled pairs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from models.text import has_visible_text

_FLAGS = re.IGNORECASE | re.UNICODE

# A claim called a hoax or false. Words that spreaders aim at others ("media bohong") are left to the
# negation and spread cues below, which win over these.
DEBUNK_WORDS = re.compile(
    r"\b(hoa?ks\w*|hoax\w*|disinformasi|misinformasi|berita (bohong|palsu)|kabar (bohong|palsu)|"
    r"info (bohong|palsu)|informasi (bohong|palsu|keliru|menyesatkan)|tidak benar|tak benar|"
    r"(gak|ga|nggak|ngga|enggak|engga) (bener|benar)|ora (bener|bener\w*|leres|nyata)|dudu kasunyatan|"
    r"teu (bener|leres|enya)|henteu (bener|leres)|indak (bana|batua|bana bana)|ndak (bana|benar)|"
    r"bukan fakta|tidak sesuai fakta|keliru|menyesatkan|(sudah|telah|udah|wis|wes|geus) (di)?bantah\w*|"
    r"dibantah\w*|bantahan|klarifikasi\w*|meluruskan|pelurusan|fitnah|"
    # scams and phishing named as such ("itu link phishing", "Waspada penipuan!", "Penipu tu kawan")
    r"penipu(an)?|phishing|scam(mer)?|"
    # the item itself called false, edited or old ("Info ini salah", "video suntingan", "rekaman lama")
    r"(info|informasi|kabar|berita|pesan|surat|video|foto|gambar|rekaman|link|tautan|akun)( ini| itu| tersebut)?"
    r" (salah|palsu|bohong|editan|suntingan|hasil edit|rekayasa|lama|parodi|abal-abal|bodong)|"
    r"akun parodi|(itu|ini) (satire|satir|parodi)|bukan (aturan|surat|pengumuman|akun|nomor|situs) (resmi|asli)|"
    # an office denying it ever said so ("Korlantas tidak pernah mengeluarkan aturan…")
    r"(tidak|tak|nggak|gak|indak|ndak|nda) pernah (mengeluarkan|mengumumkan|menerbitkan|memungut|meminta|"
    r"menyuruh|manyuruah|menyebut|menyatakan|mengatakan|membuat|bilang))\b",
    _FLAGS,
)
# "Don't believe / don't spread it" in Indonesian and regional languages.
DONT_BELIEVE = re.compile(
    r"\b(jangan|jgn|jan|ojo|aja|ampun|ulah|entong|usah|indak usah|jangan lah|jangan sampai|"
    r"(mohon|harap|tolong) (tidak|untuk tidak|jangan))\s+"
    r"(mudah\s+|gampang\s+|langsung\s+|cepat\s+|asal\s+|ikut\s+|kabeh\s+)?"
    r"(percaya|percoyo|pitados|percanten|termakan|terprovokasi|kemakan|kena|tertipu|"
    r"(di)?sebar\w*|nyebar\w*|nyebarkeun|share|dibagi\w*|bagikan|forward|teruskan|ngeshare\w*)\b",
    _FLAGS,
)
# Fact-check framing: the bracketed verdicts of Indonesian fact-check headlines and the words around them.
FACTCHECK = re.compile(
    r"(\[\s*(salah|hoaks|hoax|keliru|disinformasi|misinformasi|menyesatkan|fitnah|penipuan|"
    r"konten (palsu|tiruan|yang menyesatkan|yang dimanipulasi)|konteks (yang )?(salah|keliru))\s*\])|"
    r"\b(cek\s*fakta|periksa\s*fakta|fact\s*check\w*|faktanya|fakta sebenarnya|fakta(nya)? adalah|"
    r"hasil (penelusuran|pemeriksaan|cek)|penelusuran|turn\s*back\s*hoax|mafindo|hoax\s*buster\w*|"
    r"kominfo|komdigi|anti\s*hoa?ks|lawan hoa?ks|waspada hoa?ks|stop hoa?ks|awas hoa?ks)\b",
    _FLAGS,
)
# What spreaders write to pre-empt the label, and calls to pass the claim on.
NEGATED_DEBUNK = re.compile(
    r"\b((ini )?bukan hoa?ks\w*|bukan hoax\w*|bukan (berita|kabar|info) (bohong|hoaks|hoax)|"
    r"(tidak|gak|ga|nggak|ngga|enggak) hoa?ks|dudu hoa?ks|lain hoa?ks|sanes hoa?ks|indak hoa?ks|"
    r"asli bukan|ini fakta|fakta(,)? bukan|100\s*%\s*(valid|benar|bener|asli|fakta)|"
    r"valid(?!\s*(gak|ga|nggak|ngga|enggak|tidak|nda|ndak|kah|\?))|terbukti benar|sudah (dicek|terbukti) benar)\b",
    _FLAGS,
)
SPREAD = re.compile(
    r"\b(sebar\s*(kan|luaskan)|sebarluaskan|viral\w*|share\w*|bagikan|teruskan|forward\w*|"
    r"sebelum dihapus|sblm dihapus|mumpung belum dihapus|wajib (baca|tahu|share)|harap (dibaca|disebarkan)|"
    r"tolong (sebar|share|bagikan|teruskan)\w*|sebarno|sebarkeun|bejakeun|bagikeun)\b",
    _FLAGS,
)
# Asking whether it is true. "masa" alone is a period ("masa kampanye") and "beneran" an intensifier in
# statements, so both count only as questions; a question word with "-kah" asks by its form (benarkah),
# where "langkah", "nikah" or "sedekah" do not.
QUESTION = re.compile(
    r"\b(apa(kah)?\s+(benar|bener|betul|iya|ya|itu benar)|(apa|benar|betul|siapa|bagaimana|mengapa|kapan|"
    r"mana|harus|bisa|boleh|sudah|ada|perlu|mungkin|akan|masih|sungguh|pantas|layak)kah\b|"
    r"bener(an)?\s*(gak|ga|nggak|ngga|enggak|tidak|kah|ya)\s*\?|beneran\s*\?|apa iya|masa (sih|iya|iya sih)|"
    r"emang(nya)?\s+(iya|bener|benar)\s*\?|ada (yang|yg) (tahu|tau|bisa (konfirmasi|jelaskan))|"
    r"mohon (info|pencerahan|konfirmasi|penjelasan|dicek|klarifikasi)|minta (info|pencerahan|konfirmasi)|"
    r"(serius|beneran|mau|numpang|cuma|sekadar) (nanya|tanya)|(nanya|tanya) (serius|dong|nih|ya)|"
    r"tolong (dicek|dikonfirmasi|dijelaskan)|cek dulu|hoaks (bukan|gak|nggak|ga)\b|hoax (bukan|gak|nggak|ga)\b|"
    r"opo (bener|iyo|tenan|leres)|tenan (po|to)\b|leres\s*(kitu|teu|henteu)|naha (leres|bener)|enya kitu|"
    r"bana (kok|ko)\b|iyo (kok|ko)\b|"
    r"(ada|adakah)( yang| yg)? (pegang |punya )?(penjelasan|pengumuman|info|informasi|surat|konfirmasi|"
    r"keterangan|sumber)( resmi)?\b[^.!?]*\?|(yang|yg) (bener|benar|betul) (gimana|bagaimana|yang mana)|"
    r"(valid|bener|benar|betul|asli|resmi) (gak|ga|nggak|ngga|enggak|tidak|nda|ndak) (ya|sih|nih)?\s*\?|"
    r"tongeng(-tongeng)?\b[^.!?]*\?)",
    _FLAGS,
)
# Ridicule: laughing at the claim or calling it absurd. Sarcastic repetitions mostly mock the hoax; the few
# that mock the debunk instead are left to the threshold (HoaxRules.own_ridicule decides whether this counts).
RIDICULE = re.compile(
    r"(\b(w+k+w+k+\w*|ha(ha)+\w*|he(he)+|hi(hi)+|ngakak\w*|lol|lmao|kocak|receh|ngaco|ngawur|ngarang|halu|"
    r"dongeng|ada[- ]ada (aja|saja)|ada2 (aja|saja)|ora mungkin|ra mungkin|gak mungkin|nggak mungkin|ga mungkin|"
    r"mana mungkin|mustahil|pamohalan|teu mungkin|indak mungkin|ndak mungkin|mana ado|mimpi|masuk akal|"
    r"logika(nya)?\s+(dari )?mana|pinter(nya)? banget|kreatif (banget|amat|bener)|makin (kreatif|ngaco|aneh)|"
    r"besok (apa lagi|paling)|sekalian (aja|saja)|percaya (aja|saja|kok|koq)|yang percaya|kok percaya|"
    r"lucu(nya)?|guyon\w*|heureuy|ota)\b)|[\U0001F923\U0001F602\U0001F606\U0001F644\U0001F926\U0001F921]",
    _FLAGS,
)
# Why-questions presuppose what they ask about ("Kenapa KPU meloloskan calon berijazah palsu?"): a question that
# opens with one repeats the claim unless it also asks whether it is true (QUESTION above).
# So do questions that take it for granted ("Masih mau milih calon yang…?", "Pemimpin macam apa ini?", "12 miliar
# ke mana??").
RHETORICAL = re.compile(r"\b(kenapa|mengapa|knp|ngapain|napa|kiapa|sampai kapan|sampe kapan|mana lagi|siapa lagi|"
                        r"ada apa|masih (mau|percaya|bilang|milih|pilih|yakin|dukung)|macam apa|"
                        r"(mau|masih) (milih|pilih|dipimpin)|(yang|yg) masih bilang|calon pemimpin kita)\b|"
                        r"\bke ?mana\s*\?|"
                        # a tag question takes it for granted: "yang fotonya di meja kasino itu kan?"
                        r"\b(itu|ini|ya|iya|yang itu) kan\s*\?", _FLAGS)
# Sarcasm aimed at the debunk: mock agreement ("iya iya", "ya ya", "oh iya", "katanya") around the debunk's own
# words in scare quotes ('dokumennya "palsu"', 'katanya "tetap libur" 🙄') repeats the claim it pretends to accept.
MOCK_AGREEMENT = re.compile(r"(^\s*(oh\s+)?(iya|iyaa|iye|ya|yaa|oke|ok)\b(\s+(iya|ya|deh|dong))?\s*[,.!]|\bkatanya\b|"
                            r"\bpercaya (aja|saja)\b)", _FLAGS)
# Dismissing the debunk itself ("Ya jelas dibantah lah", "Dokter mah bilang hoaks krn takut…", "pasti dibilang hoaks",
# "yang paling percaya cek fakta"): the act holds on to the claim.
DISMISSES_DEBUNK = re.compile(
    r"\b((ya |yah )?(jelas|pasti|tentu|wajar)( aja| saja)? (di)?bantah\w*|"
    r"(bilang|dibilang|dicap|disebut|ngomong) hoa?ks\w* (krn|karena|biar|supaya|soalnya|padahal)|"
    r"pasti (dibilang|dicap|disebut) hoa?ks|(yang|yg) (paling )?percaya (cek fakta|fact ?check)|"
    r"(yang|yg) bilang hoa?ks\w* (itu )?(gak|nggak|ga|tidak|ndak|belum) pernah)",
    _FLAGS,
)
SCARE_QUOTE = re.compile(r"([\"“]([^\"“”\n]{2,40})[\"”]|(?<!\w)['‘]([^'‘’\n]{2,40})['’](?!\w))", _FLAGS)
URL = re.compile(r"https?://[^\s<>\"')\]]+", _FLAGS)


@dataclass(frozen=True)
class Cues:
    """What one piece of text (an act's own words, or the post it acts on) does, by its surface."""

    debunk: bool = False
    factcheck: bool = False
    negated: bool = False
    spread: bool = False
    question: bool = False
    ridicule: bool = False
    cites_debunk: bool = False  # names the matched claim's fact-check: its URL, its site or its publisher
    mocks_debunk: bool = False  # mock agreement with the debunk's words in scare quotes, or dismissing it: spreads
    words: bool = False  # the text has words or emoji of its own (a like, a bare share has none)
    # Opens with a short question echoing the claim and goes on ("Masa tenang dihapus? Terus ngapain Satpol PP…"):
    # with ridicule, that is mockery of the claim, not a question about it.
    echo: bool = False

    def names(self) -> list[str]:
        return [name for name in ("debunk", "factcheck", "negated", "spread", "question", "ridicule",
                                  "cites_debunk", "mocks_debunk", "echo") if getattr(self, name)]


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


@lru_cache(maxsize=8192)
def read_cues(text: str | None, debunk_url: str | None = None, publisher: str | None = None) -> Cues:
    """The cues of ``text``; ``debunk_url``/``publisher`` are the matched claim's, so quoting them counts."""
    if not text:
        return Cues()
    lowered = text.lower()
    cites = False
    if debunk_url:
        site = _site(debunk_url)
        linked = [_site(u) for u in URL.findall(text)]
        cites = debunk_url.lower().rstrip("/") in lowered or (bool(site) and (site in linked or site in lowered))
    if publisher and len(publisher) >= 4 and publisher.lower() in lowered:
        cites = True
    question = bool(QUESTION.search(text)) or _asks(text)
    return Cues(
        debunk=bool(DEBUNK_WORDS.search(text) or DONT_BELIEVE.search(text)),
        factcheck=bool(FACTCHECK.search(text)),
        negated=bool(NEGATED_DEBUNK.search(text)),
        spread=bool(SPREAD.search(text)),
        question=question,
        ridicule=bool(RIDICULE.search(text)),
        cites_debunk=cites,
        mocks_debunk=bool((MOCK_AGREEMENT.search(text) and SCARE_QUOTE.search(text)) or DISMISSES_DEBUNK.search(text)),
        words=has_visible_text(text),
        echo=_echoes(text),
    )


ECHO_WORDS = 6


def _echoes(text: str) -> bool:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
    return (len(sentences) > 1 and sentences[0].rstrip().endswith("?")
            and len(sentences[0].split()) <= ECHO_WORDS and not QUESTION.search(sentences[0]))


def _asks(text: str) -> bool:
    """The act opens with a question, or is one question: asking. A question mark closing a statement
    ("… Masih mau percaya?") is rhetoric, and so is a why-question: rhetoric repeats the claim."""
    stripped = text.strip().rstrip(" \t\n🤔🙏😅😳🧐")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", stripped) if s.strip()]
    return bool(sentences) and sentences[0].rstrip().endswith("?") and not RHETORICAL.search(sentences[0])
