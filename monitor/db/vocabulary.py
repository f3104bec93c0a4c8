"""Violation codes, pledge clauses and reasons a reviewer cites (domain.md §3, §5, §6).

The codes are stable identifiers stored with decisions; the labels are what
users read (Bahasa Indonesia). Changing a code breaks stored decisions — add
new ones instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViolationType:
    code: str
    label: str
    act_kinds: tuple[str, ...]


# domain.md §3 (SKB 5 instansi 2022, Lampiran II; SKB 11 K/L 2019 for hate speech and hoaxes).
VIOLATION_TYPES: tuple[ViolationType, ...] = (
    ViolationType("social_campaign", "Sosialisasi/kampanye (bakal) calon di media sosial/online",
                  ("post", "share", "photo")),
    ViolationType("campaign_account_interaction",
                  "Membuat posting, comment, share, like, bergabung/follow grup/akun pemenangan (bakal) calon",
                  ("like", "comment", "share", "follow")),
    ViolationType("partisan_photo",
                  "Memposting foto bersama (bakal) calon, tim sukses dengan simbol keberpihakan/atribut partai/"
                  "latar belakang partai atau calon, atau alat peraga", ("photo", "post")),
    ViolationType("partisan_appeal",
                  "Mengadakan kegiatan yang mengarah keberpihakan: pertemuan, ajakan, imbauan, seruan, "
                  "pemberian barang", ("post", "comment", "share")),
    ViolationType("campaign_attendance", "Menghadiri deklarasi/kampanye dan memberi dukungan", ("photo", "post")),
    ViolationType("campaign_props", "Memasang spanduk/baliho/alat peraga (bakal) calon", ("photo", "post")),
    ViolationType("party_membership", "Menjadi anggota/pengurus partai politik", ("post", "photo")),
    ViolationType("campaign_team_role", "Menjadi tim ahli/tim pemenangan/konsultan", ("post",)),
    ViolationType("independent_support", "Dukungan calon perseorangan dengan surat dukungan/fotokopi KTP",
                  ("post", "photo")),
    ViolationType("official_favouritism", "Keputusan/tindakan yang menguntungkan/merugikan calon", ("post", "share")),
    ViolationType("self_candidacy",
                  "Pendekatan ke partai/masyarakat sebagai bakal calon tanpa cuti di luar tanggungan negara",
                  ("post", "photo")),
    ViolationType("hate_speech", "Ujaran kebencian (SARA; terhadap Pancasila, UUD 1945, NKRI, Pemerintah)",
                  ("post", "comment", "share", "like")),
    ViolationType("hoax", "Menyebarkan berita bohong/hoaks, pemberitaan menyesatkan", ("post", "share", "comment")),
    ViolationType("money_politics", "Politik uang / pemberian", ("post", "comment")),
    ViolationType("other", "Bentuk lain (diputus Satgas)", ("post", "share", "comment", "like", "photo", "follow")),
)
VIOLATIONS: dict[str, ViolationType] = {v.code: v for v in VIOLATION_TYPES}

# domain.md §5: the four clauses of the ikrar netralitas ASN.
CLAUSES: dict[str, str] = {
    "ikrar-1": "Menjaga dan menegakkan netralitas dalam pelayanan publik sebelum, selama, dan sesudah pemilihan",
    "ikrar-2": "Menghindari konflik kepentingan, tidak mengintimidasi/mengancam, tidak berpihak kepada pasangan calon",
    "ikrar-3": "Menggunakan media sosial secara bijak; tidak menyebarkan ujaran kebencian dan berita bohong (hoaks)",
    "ikrar-4": "Menolak politik uang dan segala jenis pemberian",
}

_PARTISANSHIP = (
    "social_campaign", "campaign_account_interaction", "partisan_photo", "partisan_appeal",
    "campaign_attendance", "campaign_props", "party_membership", "campaign_team_role",
    "independent_support", "self_candidacy",
)


def default_clauses(code: str) -> tuple[str, ...]:
    """domain.md §5 default mapping. Every act Netra sees is on social media, so partisanship also cites ikrar-3."""
    if code in _PARTISANSHIP:
        return ("ikrar-2", "ikrar-3")
    if code in ("hate_speech", "hoax"):
        return ("ikrar-3",)
    if code == "money_politics":
        return ("ikrar-4",)
    if code == "official_favouritism":
        return ("ikrar-1",)
    if code == "other":
        return ()
    raise KeyError(code)


def format_clauses(clauses: tuple[str, ...] | list[str]) -> str:
    """Stored form of the cited clauses: ``ikrar-2,ikrar-3`` (fits Decision.clause)."""
    return ",".join(sorted(set(clauses)))


def parse_clauses(stored: str | None) -> tuple[str, ...]:
    return tuple(c for c in (stored or "").split(",") if c)


VERDICT_LABELS: dict[str, str] = {
    "pelanggaran": "pelanggaran",
    "bukan_pelanggaran": "bukan pelanggaran",
    "perlu_klarifikasi": "perlu klarifikasi",
    "eskalasi": "eskalasi",
}

REGISTER_LABELS: dict[str, str] = {
    "ethics": "Kode etik (PP 42/2004) — bakal calon",
    "discipline": "Disiplin (UU ASN Pasal 9(2), PP 94/2021) — calon",
    "election_crime": "Tindak pidana pemilu (Bawaslu/Gakkumdu)",
}

# Reasons a flag is not a breach: the hard negatives of domain.md §3 plus the wrong-person case.
NOT_BREACH_REASONS: dict[str, str] = {
    "official_duty": "Unggahan kedinasan yang menyebut petahana dalam jabatannya",
    "neutral_information": "Informasi netral KPU/Bawaslu (jadwal, cara memilih)",
    "call_to_vote": "Ajakan memilih yang tidak berpihak (jangan golput)",
    "neutrality_campaign": "Kampanye netralitas ASN / ikrar netralitas",
    "news_report": "Pemberitaan atau laporan pelanggaran",
    "policy_criticism": "Kritik kebijakan yang faktual dan berbasis data",
    "gesture_no_context": "Gestur/angka tanpa konteks pemilu",
    "same_name": "Orang/tempat yang kebetulan bernama sama dengan calon",
    "wrong_person": "Akun bukan milik ASN yang bersangkutan",
    "no_election_link": "Tidak berkaitan dengan pemilihan",
    "other": "Alasan lain (jelaskan di catatan)",
}

STATUS_LABELS: dict[str, str] = {
    "pending": "menunggu",
    "clarification": "perlu klarifikasi",
    "escalated": "eskalasi",
    "decided": "diputus",
}

# Where a decision stands under four eyes (decision.four_eyes).
FOUR_EYES_LABELS: dict[str, str] = {
    "awaiting": "menunggu konfirmasi peninjau kedua",
    "confirmed": "mengonfirmasi putusan peninjau pertama",
    "disputed": "berbeda pendapat — diteruskan kepada supervisor",
    "resolved": "putusan supervisor atas perbedaan pendapat",
}

STANCE_LABELS: dict[str, str] = {"support": "mendukung", "oppose": "menentang", "none": "netral"}

KIND_LABELS: dict[str, str] = {
    "post": "unggahan", "share": "bagikan", "comment": "komentar", "like": "suka", "photo": "foto",
    "follow": "mengikuti",
}

ROLE_LABELS: dict[str, str] = {
    "admin": "Admin", "supervisor": "Supervisor", "reviewer": "Peninjau", "agency_auditor": "Auditor instansi",
}
