"""The case dossier forwarded on a confirmed breach: a PDF for the PPK and the civil-service body, and a ZIP of
the evidence files with a manifest of their SHA-256 (domain.md §6, §8).

A dossier documents one decision: the latest one on the item, a ``pelanggaran`` that counts as confirmed
(:func:`confirmed_breach`). Every evidence record and photo is re-hashed before it goes in; one that no
longer matches its recorded SHA-256 stops the build, since a dossier must never carry altered evidence.
The two files are stored like reports (``reports.store``: a generation directory of their own, the SHA-256
taken from the written file) and listed in ``case_dossier``; downloads re-check that hash.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.access.scoping import can, scope_filter, visible_agency_ids, visible_item
from monitor.config import Settings, get_settings
from monitor.db.schema import CaseDossier, Decision, Evidence, Media, ReviewItem, User
from monitor.db.types import utcnow
from monitor.db.vocabulary import (
    CLAUSES,
    KIND_LABELS,
    NOT_BREACH_REASONS,
    REGISTER_LABELS,
    STANCE_LABELS,
    VERDICT_LABELS,
    parse_clauses,
)
from monitor.i18n import _
from monitor.review.case_file import CaseFile, load_case
from monitor.review.decisions import counts, item_profile, latest_decision, register_for
from monitor.review.queue import act_day
from reports.cells import neutralise
from reports.labels import cue_label, platform_label, source_label, violation_label

DOSSIER_KIND = "dossier"
MANIFEST_COLUMNS = ("no", "path", "role", "sha256", "bytes", "media_type", "record", "source", "source_url",
                    "captured_at", "status")
EXTENSIONS = {"application/json": "json", "text/html": "html", "image/png": "png", "image/jpeg": "jpg",
              "image/webp": "webp", "image/gif": "gif", "text/plain": "txt", "application/xml": "xml"}
# Images WeasyPrint draws; other media are listed and zipped but not shown in the PDF.
PRINTABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class DossierRefused(ValueError):
    """The dossier cannot be built; the message (Bahasa Indonesia) says why."""


@dataclass
class EvidenceFile:
    """One file of the evidence ZIP, checked against its recorded SHA-256."""

    role: str  # what it is, in Bahasa Indonesia
    record: str  # "evidence:<id>" or "media:<sha256>": where the stored original is
    media_type: str
    sha256: str
    data: bytes | None  # None: the stored file is gone (a purged photo); listed, not zipped
    source: str = ""
    source_url: str | None = None
    captured_at: datetime | None = None
    path: str = ""  # inside the ZIP

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0

    @property
    def status(self) -> str:
        return "ok" if self.data is not None else "missing"


@dataclass
class DossierFiles:
    pdf: bytes
    zip: bytes
    manifest: dict[str, Any]
    files: list[EvidenceFile] = field(default_factory=list)


def confirmed_breach(session: Session, item: ReviewItem) -> Decision | None:
    """The decision a dossier documents: the item's latest, when it is a ``pelanggaran`` that counts (under four
    eyes: confirmed by a second reviewer, or a supervisor's resolution); else ``None``."""
    latest = latest_decision(session, item)
    if latest is None or latest.verdict != "pelanggaran" or not counts(latest):
        return None
    return latest


def _evidence_role(ev: Evidence, own_post_id: int | None, act_evidence_id: int | None) -> str:
    if ev.id == act_evidence_id:
        return "Rekaman tindakan"
    kind = ev.subject_key.split(":")[1] if ev.subject_key.count(":") >= 2 else ""
    mine = ev.post_id == own_post_id
    if kind == "capture-screenshot":
        return "Tangkapan layar halaman" + ("" if mine else " (konten yang ditanggapi)")
    if kind == "capture-html":
        return "HTML halaman" + ("" if mine else " (konten yang ditanggapi)")
    return "Rekaman unggahan sendiri" if mine else "Rekaman konten yang ditanggapi"


def collect_evidence(session: Session, case: CaseFile, settings: Settings) -> list[EvidenceFile]:
    """The act's evidence record, every stored record of its own post and of the post acted on, and the photos
    of both (the other post's kept apart by role), each re-hashed; raises :class:`DossierRefused` on a mismatch."""
    from spiders.media import MediaStore

    activity = case.activity
    post_ids = [p for p in (activity.post_id, activity.target_post_id) if p is not None]
    rows: dict[int, Evidence] = {}
    if case.evidence is not None:
        rows[case.evidence.id] = case.evidence
    if post_ids:
        for ev in session.scalars(select(Evidence).where(Evidence.post_id.in_(post_ids)).order_by(Evidence.id)):
            rows.setdefault(ev.id, ev)
    files: list[EvidenceFile] = []
    for ev in rows.values():
        if hashlib.sha256(ev.raw).hexdigest() != ev.sha256:
            raise DossierRefused(_("Evidence #{evidence} does not match its recorded SHA-256 fingerprint; the case "
                                   "dossier was not built. Contact an admin.", evidence=ev.id))
        files.append(EvidenceFile(
            role=_evidence_role(ev, activity.post_id, activity.evidence_id), record=f"evidence:{ev.id}",
            media_type=ev.media_type, sha256=ev.sha256, data=bytes(ev.raw), source=ev.source,
            source_url=ev.source_url, captured_at=ev.captured_at))
    store = MediaStore(sessions=sessionmaker(), settings=settings)
    photos: list[tuple[str, Media]] = [("Foto milik tindakan", m) for m in case.photos]
    photos += [("Foto pada konten yang ditanggapi (bukan milik ASN)", m) for m in case.context_photos]
    seen: set[str] = set()
    for role, media in photos:
        if media.sha256 in seen:
            continue
        seen.add(media.sha256)
        try:
            data: bytes | None = store.path_for(media.sha256).read_bytes()
        except OSError:
            data = None  # purged or lost: the manifest says so rather than leaving it out
        if data is not None and hashlib.sha256(data).hexdigest() != media.sha256:
            raise DossierRefused(_("Photo {photo}… does not match its SHA-256 fingerprint; the case dossier was "
                                   "not built. Contact an admin.", photo=media.sha256[:16]))
        files.append(EvidenceFile(role=role, record=f"media:{media.sha256}", media_type=media.mime,
                                  sha256=media.sha256, data=data, source="media", captured_at=media.first_seen))
    for number, f in enumerate(files, start=1):
        if f.data is not None:
            ext = EXTENSIONS.get(f.media_type.split(";")[0].strip(), "bin")
            kind = "foto" if f.record.startswith("media:") else "bukti"
            f.path = f"{kind}/{number:02d}-{f.record.replace(':', '-')[:40]}.{ext}"
    return files


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _decision_view(d: Decision, names: dict[int, str], documented_id: int, sanctions: dict[str, str]) -> dict:
    clauses = parse_clauses(d.clause)
    return {
        "id": d.id,
        "documented": d.id == documented_id,
        "verdict": VERDICT_LABELS.get(d.verdict, d.verdict),
        "violation": f"{d.violation_code} — {violation_label(d.violation_code)}" if d.violation_code else None,
        "clauses": [(c, CLAUSES.get(c, c)) for c in clauses],
        "register": REGISTER_LABELS.get(d.register, d.register) if d.register else None,
        "sanction": sanctions.get(d.register or ""),
        "target": " ".join(p for p in (d.candidate, d.party) if p) or None,
        "reason": NOT_BREACH_REASONS.get(d.reason, d.reason) if d.reason else None,
        "note": d.note or "",
        "reviewer": names.get(d.reviewer_id, f"pengguna #{d.reviewer_id}"),
        "decided_at": d.decided_at,
    }


def render_files(session: Session, case: CaseFile, decision: Decision, user: User, settings: Settings,
                 generated_at: datetime) -> DossierFiles:
    """The PDF and the evidence ZIP of ``case`` documenting ``decision`` (nothing stored yet)."""
    from reports.render import html_to_pdf, render_html
    from reports.weekly import SANCTION_TYPES  # matplotlib and WeasyPrint: loaded when a dossier is built

    files = collect_evidence(session, case, settings)
    activity, employee, cls = case.activity, case.activity.account.employee, case.classification
    row, profile = item_profile(session, case.item)
    determination = row.determination_date if row else None
    day = act_day(activity)
    default = register_for(day, determination)
    candidates = {c.id: f"no. {c.number} {' – '.join(c.names)}" for c in profile.candidates} if profile else {}
    people = {d.reviewer_id for d in case.decisions} | {c.author_id for c in case.comments}
    reviewers = {u.id: u.full_name or u.username for u in session.scalars(select(User).where(User.id.in_(people)))}
    photo_views = [{"uri": _data_uri(f.media_type, f.data), "role": f.role, "sha256": f.sha256}
                   for f in files if f.record.startswith("media:") and f.data is not None
                   and f.media_type in PRINTABLE]
    screenshot = next((f for f in files if f.role == "Tangkapan layar halaman" and f.data is not None), None)
    context = {
        "title": "Berkas Perkara Pelanggaran Netralitas ASN",
        "subtitle": f"Item telaah #{case.item.id} · {case.agency_name}",
        "footer": f"Berkas perkara item #{case.item.id}",
        "generated_at": generated_at,
        "generated_by": user.full_name or user.username,
        "item": case.item,
        "employee": employee,
        "agency_name": case.agency_name,
        "account": case.account,
        "platform": platform_label(case.account.platform),
        "kind": KIND_LABELS.get(activity.kind, activity.kind),
        "activity": activity,
        "source": source_label(activity.source),
        "own_text": case.own_text,
        "context_text": case.context_text,
        "alt_texts": case.alt_texts,
        "target_post": case.target_post,
        "deleted_at": case.post.deleted_at if case.post else None,
        "screenshot": _data_uri("image/png", screenshot.data) if screenshot and screenshot.data else None,
        "photos": photo_views,
        "cls": cls,
        "stance": STANCE_LABELS.get(cls.stance, cls.stance),
        "candidate": f"{cls.candidate} ({candidates[cls.candidate]})" if cls.candidate in candidates
        else cls.candidate,
        "cues": [cue_label(c, candidates) for c in cls.cues or []] + [f"kata kebencian: {w}" for w in case.hate_cues],
        "profile_name": row.name if row else cls.profile_id,
        "determination": determination,
        "act_day": day,
        "default_register": REGISTER_LABELS[default],
        "decisions": [_decision_view(d, reviewers, decision.id, SANCTION_TYPES) for d in case.decisions],
        "documented": _decision_view(decision, reviewers, decision.id, SANCTION_TYPES),
        # The reviewers' discussion, as it stood when the dossier was built (comments are append-only).
        "comments": [{"author": reviewers.get(c.author_id, f"pengguna #{c.author_id}"), "at": c.created_at,
                      "body": c.body} for c in case.comments],
        "files": files,
    }
    pdf = html_to_pdf(render_html("dossier.html", context))
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    manifest = {
        "netra_dossier": 1,
        "review_item_id": case.item.id,
        "agency": case.agency_name,
        "nip": employee.nip,
        "decision_id": decision.id,
        "violation_code": decision.violation_code,
        "clauses": list(parse_clauses(decision.clause)),
        "register": decision.register,
        "generated_at": generated_at.isoformat(),
        "generated_by": user.username,
        "dossier_pdf_sha256": pdf_sha,
        "files": [_manifest_row(n, f) for n, f in enumerate(files, start=1)],
    }
    return DossierFiles(pdf=pdf, zip=_zip(files, manifest), manifest=manifest, files=files)


def _manifest_row(number: int, f: EvidenceFile) -> dict[str, Any]:
    return {"no": number, "path": f.path or None, "role": f.role, "sha256": f.sha256, "bytes": f.size,
            "media_type": f.media_type, "record": f.record, "source": f.source, "source_url": f.source_url,
            "captured_at": f.captured_at.isoformat() if f.captured_at else None, "status": f.status}


def _zip(files: list[EvidenceFile], manifest: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    # A fixed timestamp per member: the archive's bytes depend on its content only.
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            if f.data is not None:
                archive.writestr(zipfile.ZipInfo(f.path, stamp), f.data)
        archive.writestr(zipfile.ZipInfo("manifest.json", stamp),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(MANIFEST_COLUMNS)
        # Source URLs are captured text: never a live spreadsheet formula (reports.cells).
        writer.writerows([[neutralise("" if row[c] is None else row[c]) for c in MANIFEST_COLUMNS]
                          for row in manifest["files"]])
        archive.writestr(zipfile.ZipInfo("manifest.csv", stamp), ("\ufeff" + text.getvalue()).encode("utf-8"))
    return buf.getvalue()


def build_dossier(session: Session, user: User, item_id: int, *, settings: Settings | None = None) -> CaseDossier:
    """Build, store and record the dossier of one item; ``LookupError`` when the user may not see it (404),
    ``PermissionError`` when their role may not build one, :class:`DossierRefused` when it cannot be built."""
    from reports.store import generation_dir, sha256_of

    settings = settings or get_settings()
    case = load_case(session, user, item_id)
    if case is None:
        raise LookupError(item_id)
    if not can(user, "build_dossier"):
        raise PermissionError(user.username)
    decision = confirmed_breach(session, case.item)
    if decision is None:
        raise DossierRefused(_("A case dossier is built only for a confirmed breach (latest verdict: breach)."))
    if case.employee is None:
        raise PermissionError(user.username)
    now = utcnow()
    rendered = render_files(session, case, decision, user, settings, now)
    stem = f"berkas-perkara-{case.item.id}"
    directory = generation_dir(f"item-{case.item.id}", DOSSIER_KIND, now, stem)
    pdf_path, zip_path = directory / f"{stem}.pdf", directory / f"{stem}-bukti.zip"
    _write_new(pdf_path, rendered.pdf)
    _write_new(zip_path, rendered.zip)
    dossier = CaseDossier(
        review_item_id=case.item.id, agency_id=case.item.agency_id, decision_id=decision.id,
        pdf_path=str(pdf_path), pdf_sha256=sha256_of(pdf_path), pdf_bytes=pdf_path.stat().st_size,
        zip_path=str(zip_path), zip_sha256=sha256_of(zip_path), zip_bytes=zip_path.stat().st_size,
        evidence_files=len(rendered.files), created_at=now, created_by_id=user.id, created_by=user.username)
    session.add(dossier)
    session.flush()
    return dossier


def _write_new(path: Path, data: bytes) -> None:
    # "x": a dossier file is never written over; the generation directory is this build's own.
    with path.open("xb") as fh:
        fh.write(data)


def item_dossiers(session: Session, item: ReviewItem) -> list[CaseDossier]:
    """The item's dossiers, newest first (the caller has checked the item is visible)."""
    return list(session.scalars(select(CaseDossier).where(CaseDossier.review_item_id == item.id)
                                .order_by(CaseDossier.id.desc())))


def visible_dossier(session: Session, user: User, item_id: int, dossier_id: int) -> CaseDossier | None:
    """The dossier if it belongs to ``item_id`` and ``user`` may see that item (scoped like the item), else None."""
    if not 0 < dossier_id < 2**63 or visible_item(session, user, item_id) is None:
        return None
    return session.scalar(select(CaseDossier).where(
        CaseDossier.id == dossier_id, CaseDossier.review_item_id == item_id,
        scope_filter(visible_agency_ids(session, user), CaseDossier.agency_id)))


FORMATS = {"pdf": ("pdf_path", "pdf_sha256"), "zip": ("zip_path", "zip_sha256")}


def dossier_file(dossier: CaseDossier, fmt: str) -> tuple[Path, str]:
    """(path, recorded SHA-256) of the dossier's ``pdf`` or ``zip``."""
    path_attr, sha_attr = FORMATS[fmt]
    return Path(getattr(dossier, path_attr)), getattr(dossier, sha_attr)
