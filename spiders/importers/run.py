"""Running an importer: open the export, check its owner, store every act through the ingest store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from monitor.db.schema import Account
from spiders.importers.base import Export, ExportError, ImportStats, open_export
from spiders.items import ActivityItem
from spiders.platforms import normalise_handle
from spiders.store import IngestStore

log = logging.getLogger(__name__)


class Importer(Protocol):
    name: str  # "x-archive", "instagram", ...
    platform: str

    def check(self, export: Export) -> None:
        """Raise ExportError when the export is not of this platform."""

    def owner(self, export: Export) -> str | None:
        """The username the export belongs to, when the export says."""

    def activities(self, export: Export, handle: str, stats: ImportStats) -> Iterator[ActivityItem]:
        """Every act in the export, as items with self_audit=True and their raw records."""


class OwnerMismatch(ExportError):
    """The export belongs to another account than the one it was handed in for."""


def import_export(
    importer: Importer,
    path: Path,
    account: str,
    *,
    store: IngestStore | None = None,
    received_by: str | None = None,
    ignore_owner: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, ImportStats]:
    """Import ``path`` for the declared ``account``; returns (crawl run id, stats).

    A bad record is logged and counted and the rest goes on; nothing already
    stored is lost or duplicated, because every act is keyed on its own ids.
    """
    store = store or IngestStore()
    handle = normalise_handle(importer.platform, account)
    with store.sessions() as s:
        account_row = s.scalar(select(Account).where(Account.platform == importer.platform, Account.handle == handle))
    if account_row is None:
        raise ExportError(f"no declared {importer.platform} account {handle!r} in the registry")

    with open_export(path) as export:
        importer.check(export)
        owner = importer.owner(export)
        if owner is not None and owner.lower().lstrip("@") != handle and not ignore_owner:
            raise OwnerMismatch(
                f"{path}: the export belongs to {owner!r}, not to the declared account {handle!r} "
                "(use --ignore-owner only if the account was renamed)"
            )
        stats = ImportStats(export_sha256=export.sha256)
        run_id = store.start_run(f"import:{importer.name}", importer.platform, f"{handle} <- {path.name}")
        failed = False
        try:
            for item in importer.activities(export, handle, stats):
                item.account_id = account_row.id
                item.self_audit = True
                item.source = f"import:{importer.name}"
                stats.seen += 1
                try:
                    stored = store.ingest_activity(item, crawl_run_id=run_id)
                except Exception as exc:  # one bad record must not stop the import
                    stats.errors.append(f"{item.external_id}: {exc}")
                    store.record_error(run_id, account=handle, url=str(path), error=f"{item.external_id}: {exc}")
                    continue
                if stored.created:
                    stats.stored += 1
                    stats.count(item.kind)
                else:
                    stats.unchanged += 1
                if progress:
                    progress(1)
        except ExportError as exc:
            failed = stats.seen == 0
            stats.errors.append(str(exc))
            store.record_error(run_id, account=handle, url=str(path), error=str(exc))
        finally:
            # Records the parsers skipped (malformed entries) are counted on the run too.
            for error in stats.skipped:
                store.record_error(run_id, account=handle, url=str(path), error=error)
            store.add_counts(run_id, seen=stats.seen, stored=stats.stored)
            store.finish_run(
                run_id,
                stats={
                    "export_sha256": export.sha256,
                    "export_path": str(path),
                    "export_bytes": export.size,
                    "received_by": received_by,
                    "files_read": stats.files_read,
                    "by_kind": stats.by_kind,
                    "unchanged": stats.unchanged,
                },
                failed=failed,
            )
    return run_id, stats
