"""Registry rows the ingestion tests need: an agency, ASN with valid NIPs, their declared accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Agency, ElectionProfile, Employee, WatchedAccount
from monitor.db.session import session_scope

# 18 digits: birth 1985-03-12, TMT 2010-01, man, sequence n.
NIPS = ["198503122010011001", "199001152015032002", "198807202012121003", "199212302018012004"]


def _agency(s: Session, code: str) -> Agency:
    agency = s.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        agency = Agency(code=code, name=f"Dinas {code}")
        s.add(agency)
        s.flush()
    return agency


def add_declared(url: str, platform: str, handle: str, *, nip: str | None = None, agency: str = "DISDUKCAPIL",
                 name: str = "ASN Uji") -> int:
    """Create (or reuse) an employee and declare ``handle`` on ``platform``; returns the account id."""
    with session_scope(url) as s:
        ag = _agency(s, agency)
        nip = nip or NIPS[s.query(Employee).count() % len(NIPS)]
        emp = s.scalar(select(Employee).where(Employee.nip == nip))
        if emp is None:
            emp = Employee(nip=nip, name=name, agency_id=ag.id)
            s.add(emp)
            s.flush()
        acc = Account(employee_id=emp.id, platform=platform, handle=handle)
        s.add(acc)
        s.flush()
        return acc.id


def add_watched(url: str, platform: str, handle: str, *, profile_id: str = "pilkada-2029-sukamaju",
                candidate_id: str = "k2") -> int:
    with session_scope(url) as s:
        if s.get(ElectionProfile, profile_id) is None:
            s.add(ElectionProfile(id=profile_id, name="Pilkada Sukamaju", source_yaml="id: x"))
            s.flush()
        w = WatchedAccount(profile_id=profile_id, candidate_id=candidate_id, platform=platform, handle=handle)
        s.add(w)
        s.flush()
        return w.id
