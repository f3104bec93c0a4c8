"""What the service API sends and accepts, as Pydantic models (they are also its OpenAPI schema).

The ``of`` constructors read the ORM rows and the case file the pages use; identities (NIP, name,
unit, position) are filled only for callers whose role may see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from monitor.access.scoping import claim_holder
from monitor.db.schema import (
    ACTIVITY_KINDS,
    FOUR_EYES_STAGES,
    PLATFORMS,
    REGISTERS,
    VERDICTS,
    Account,
    Activity,
    Agency,
    CaseDossier,
    Classification,
    Decision,
    Employee,
    Evidence,
    ItemComment,
    Media,
    Post,
    Report,
    ReviewItem,
)
from monitor.db.vocabulary import NOT_BREACH_REASONS, VIOLATIONS, parse_clauses
from monitor.registry.importer import ImportResult


class ErrorBody(BaseModel):
    """Every error the API answers: a message in Bahasa Indonesia, the request field at fault if one is."""

    detail: str = Field(examples=["Item tidak ditemukan."])
    field: str | None = Field(None, description="The query parameter or body field that is wrong.")
    errors: list[str] | None = Field(None, description="Row errors of a registry file, as `file:line: reason`.")


class AgencyOut(BaseModel):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, agency: Agency) -> AgencyOut:
        return cls(id=agency.id, code=agency.code, name=agency.name)


class EmployeeOut(BaseModel):
    """The ASN behind the account (only for roles that may see identities)."""

    nip: str
    name: str
    unit: str | None
    position: str | None
    status: str

    @classmethod
    def of(cls, employee: Employee) -> EmployeeOut:
        return cls(nip=employee.nip, name=employee.name, unit=employee.unit, position=employee.position,
                   status=employee.status)


class ActivityOut(BaseModel):
    id: int
    kind: str = Field(json_schema_extra={"enum": list(ACTIVITY_KINDS)})
    platform: str = Field(json_schema_extra={"enum": list(PLATFORMS)})
    handle: str
    url: str | None
    occurred_at: datetime | None
    captured_at: datetime
    text: str | None = Field(description="The account's own words (null for a like).")
    context_text: str | None = Field(description="What was liked, shared or commented on.")

    @classmethod
    def of(cls, activity: Activity, account: Account) -> ActivityOut:
        return cls(id=activity.id, kind=activity.kind, platform=account.platform, handle=account.handle,
                   url=activity.url, occurred_at=activity.occurred_at, captured_at=activity.captured_at,
                   text=activity.text, context_text=activity.context_text)


class ClassificationOut(BaseModel):
    id: int
    model_version: str
    profile_id: str
    score: float
    flagged: bool
    stance: str
    hate: bool
    candidate: str | None
    party: str | None
    cues: list[Any]

    @classmethod
    def of(cls, c: Classification) -> ClassificationOut:
        return cls(id=c.id, model_version=c.model_version, profile_id=c.profile_id, score=c.score,
                   flagged=c.flagged, stance=c.stance, hate=c.hate, candidate=c.candidate, party=c.party,
                   cues=list(c.cues or []))


class ItemOut(BaseModel):
    """One review item as the queue lists it."""

    id: int
    status: str
    priority: float
    created_at: datetime
    assignee_id: int | None = Field(description="Who holds the item now: a supervisor's assignment, or a claim "
                                    "(\"take next\") that has not run out; null when nobody does.")
    assignee: str | None = Field(description="The holder's display name.")
    claimed_until: datetime | None = Field(description="When the holder's claim runs out; null for an assignment "
                                           "(no end) or when nobody holds the item.")
    agency: AgencyOut
    employee: EmployeeOut | None = Field(description="Null when the caller's role may not see identities.")
    activity: ActivityOut
    classification: ClassificationOut

    @classmethod
    def of(cls, item: ReviewItem, identity: bool, names: dict[int, str]) -> ItemOut:
        activity = item.activity
        account = activity.account
        employee = account.employee
        # A claim that ran out leaves assignee_id as it was (who held it) but nobody holds the item any more.
        holder = claim_holder(item)
        return cls(id=item.id, status=item.status, priority=item.priority, created_at=item.created_at,
                   assignee_id=holder, assignee=names.get(holder or 0),
                   claimed_until=item.claimed_until if holder is not None else None,
                   agency=AgencyOut.of(employee.agency), employee=EmployeeOut.of(employee) if identity else None,
                   activity=ActivityOut.of(activity, account), classification=ClassificationOut.of(item.classification))


class ItemPage(BaseModel):
    items: list[ItemOut]
    next: str | None = Field(description="Opaque cursor of the following page (pass as `cursor`); null on the last.")
    total: int = Field(description="Items matching the filters, over all pages.")
    counts: dict[str, int] = Field(description="Items per status under every filter but `status`.")
    limit: int


class DecisionIn(BaseModel):
    """A reviewer's decision; validated exactly like the item page's form."""

    # "register" would shadow a BaseModel attribute: the field is register_ in Python, "register" on the wire.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    verdict: str = Field(json_schema_extra={"enum": list(VERDICTS)})
    note: str = Field(description="Required; say why (also when changing the default register).")
    violation_code: str | None = Field(None, description="Required for `pelanggaran`; see /vocabulary.",
                                       json_schema_extra={"enum": [*VIOLATIONS, None]})
    clauses: list[str] | None = Field(None, description="Pledge clauses; default: those of the violation code.")
    register_: str | None = Field(None, alias="register", description="Default: derived from the act's date.",
                                  json_schema_extra={"enum": [*REGISTERS, None]})
    candidate: str | None = Field(None, description="Candidate id of the election profile.")
    party: str | None = None
    reason: str | None = Field(None, description="Required for `bukan_pelanggaran`; see /vocabulary.",
                               json_schema_extra={"enum": [*NOT_BREACH_REASONS, None]})
    expected_latest_id: int | None = Field(
        None, description="The latest decision id the client saw (`latest_decision_id` of the case file); "
                          "required once the item has a decision, 409 when someone decided meanwhile.")


class DecisionOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: int
    item_id: int
    verdict: str
    violation_code: str | None
    clauses: list[str]
    register_: str | None = Field(alias="register")
    candidate: str | None
    party: str | None
    reason: str | None
    note: str | None
    reviewer_id: int
    reviewer: str | None
    supersedes_id: int | None
    decided_at: datetime
    four_eyes: str | None = Field(
        json_schema_extra={"enum": [*FOUR_EYES_STAGES, None]},
        description="Four eyes: `awaiting` (a second reviewer must confirm), `confirmed`, `disputed` (a supervisor "
                    "decides), `resolved`; null where no second look is needed. Awaiting and disputed ones do not "
                    "count yet.")

    @classmethod
    def of(cls, d: Decision, names: dict[int, str]) -> DecisionOut:
        return cls(id=d.id, item_id=d.review_item_id, verdict=d.verdict, violation_code=d.violation_code,
                   clauses=list(parse_clauses(d.clause)), register_=d.register, candidate=d.candidate,
                   party=d.party, reason=d.reason, note=d.note, reviewer_id=d.reviewer_id,
                   reviewer=names.get(d.reviewer_id), supersedes_id=d.supersedes_id, decided_at=d.decided_at,
                   four_eyes=d.four_eyes)


class CommentOut(BaseModel):
    """A reviewer's comment on the item: discussion, not a verdict; append-only (never edited or deleted)."""

    id: int
    item_id: int
    author_id: int
    author: str | None
    body: str
    created_at: datetime

    @classmethod
    def of(cls, c: ItemComment, names: dict[int, str]) -> CommentOut:
        return cls(id=c.id, item_id=c.review_item_id, author_id=c.author_id, author=names.get(c.author_id),
                   body=c.body, created_at=c.created_at)


class PostOut(BaseModel):
    platform: str
    external_id: str
    url: str | None
    author_handle: str | None
    text: str | None
    posted_at: datetime | None
    deleted_at: datetime | None

    @classmethod
    def of(cls, post: Post | None) -> PostOut | None:
        if post is None:
            return None
        return cls(platform=post.platform, external_id=post.external_id, url=post.url,
                   author_handle=post.author_handle, text=post.text, posted_at=post.posted_at,
                   deleted_at=post.deleted_at)


class EvidenceOut(BaseModel):
    """The stored raw record's identity (its bytes stay on the server)."""

    id: int
    sha256: str
    source: str
    source_url: str | None
    media_type: str
    version: int
    captured_at: datetime

    @classmethod
    def of(cls, ev: Evidence | None) -> EvidenceOut | None:
        if ev is None:
            return None
        return cls(id=ev.id, sha256=ev.sha256, source=ev.source, source_url=ev.source_url,
                   media_type=ev.media_type, version=ev.version, captured_at=ev.captured_at)


class PhotoOut(BaseModel):
    sha256: str
    mime: str
    width: int
    height: int
    hands: dict[str, Any] | None = Field(description="What the gesture detector found; null until analysed.")

    @classmethod
    def of(cls, m: Media) -> PhotoOut:
        return cls(sha256=m.sha256, mime=m.mime, width=m.width, height=m.height, hands=m.hands)


class EarlierItemOut(BaseModel):
    item_id: int
    status: str
    kind: str
    occurred_at: datetime | None
    latest_verdict: str | None


class ProfileOut(BaseModel):
    id: str
    name: str


class CaseFileOut(BaseModel):
    """Everything the item page shows about one review item."""

    item: ItemOut
    own_text: str
    context_text: str | None
    alt_texts: list[str]
    post: PostOut | None
    target_post: PostOut | None
    evidence: EvidenceOut | None
    profile: ProfileOut | None
    decisions: list[DecisionOut] = Field(description="Every decision, oldest first (append-only history).")
    comments: list[CommentOut] = Field(description="Reviewers' comments on the item, oldest first (append-only).")
    latest_decision_id: int | None
    default_register: str
    may_decide: bool = Field(description="Whether the caller may decide this item now.")
    earlier: list[EarlierItemOut] = Field(description="The same account's other items the caller may see.")
    photos: list[PhotoOut] = Field(description="Images of the act's own post.")
    context_photos: list[PhotoOut] = Field(
        description="Images of the post acted on (commented, liked, shared): context, not the account's own.")


class ReportOut(BaseModel):
    id: int
    kind: str = Field(json_schema_extra={"enum": ["weekly", "range", "self_audit"]})
    agency: AgencyOut | None = Field(description="Null for the combined report of every agency.")
    period_label: str
    period_start: datetime
    period_end: datetime
    format: str
    name: str
    sha256: str
    created_at: datetime
    download: str = Field(description="Path of the file, relative to the API root.")

    @classmethod
    def of(cls, report: Report, agencies: dict[int, Agency], name: str) -> ReportOut:
        agency = agencies.get(report.agency_id) if report.agency_id is not None else None
        return cls(id=report.id, kind=report.kind, agency=AgencyOut.of(agency) if agency else None,
                   period_label=report.period_label, period_start=report.period_start,
                   period_end=report.period_end, format=report.format, name=name, sha256=report.sha256,
                   created_at=report.created_at, download=f"/reports/{report.id}/file")


class RegistryImportOut(BaseModel):
    file: str
    rows: int
    written: bool
    errors: list[str] = Field(description="Row errors as `file:line: reason` (skipped rows with skip_invalid).")
    agencies_created: int
    agencies_updated: int
    employees_created: int
    employees_updated: int
    accounts_created: int
    unchanged_rows: int

    @classmethod
    def of(cls, result: ImportResult, errors: list[str]) -> RegistryImportOut:
        return cls(file=result.file, rows=result.rows, written=result.written, errors=errors,
                   agencies_created=result.agencies_created, agencies_updated=result.agencies_updated,
                   employees_created=result.employees_created, employees_updated=result.employees_updated,
                   accounts_created=result.accounts_created, unchanged_rows=result.unchanged_rows)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime


class MeOut(BaseModel):
    id: int
    username: str
    full_name: str | None
    role: str
    permissions: list[str]
    agencies: list[AgencyOut] | None = Field(description="Agencies whose items the caller sees; null means all.")
    token: TokenOut


class ViolationOut(BaseModel):
    code: str
    label: str
    act_kinds: list[str]
    default_clauses: list[str]


class VocabularyOut(BaseModel):
    """The codes a decision may cite, with their labels (Bahasa Indonesia)."""

    verdicts: dict[str, str]
    violations: list[ViolationOut]
    clauses: dict[str, str]
    registers: dict[str, str]
    not_breach_reasons: dict[str, str]
    statuses: dict[str, str]


class DossierOut(BaseModel):
    """A case dossier of a confirmed breach: its PDF and its evidence ZIP (manifest.json, manifest.csv)."""

    id: int
    item_id: int
    decision_id: int = Field(description="The `pelanggaran` decision the dossier documents.")
    pdf_sha256: str
    pdf_bytes: int
    zip_sha256: str
    zip_bytes: int
    evidence_files: int
    created_at: datetime
    created_by: str | None
    pdf: str = Field(description="Path of the PDF, relative to the API root.")
    zip: str = Field(description="Path of the evidence ZIP, relative to the API root.")

    @classmethod
    def of(cls, dossier: CaseDossier) -> DossierOut:
        base = f"/items/{dossier.review_item_id}/dossiers/{dossier.id}"
        return cls(id=dossier.id, item_id=dossier.review_item_id, decision_id=dossier.decision_id,
                   pdf_sha256=dossier.pdf_sha256, pdf_bytes=dossier.pdf_bytes, zip_sha256=dossier.zip_sha256,
                   zip_bytes=dossier.zip_bytes, evidence_files=dossier.evidence_files, created_at=dossier.created_at,
                   created_by=dossier.created_by, pdf=f"{base}/pdf", zip=f"{base}/zip")
