"""Orders from a CSV file (the `import_orders` command and the upload page): one row per order, the
generic format's fields as columns (docs/metrics.md, "Orders and attribution"). Each row is written in
its own transaction: a bad row is reported with its line number and leaves nothing behind, the good
rows are kept. Importing the same file again changes nothing (orders are keyed by order id)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from analytics.orders.errors import OrderError, OrderErrorCode
from analytics.orders.formats import OrderFormatError, parse_generic_data
from analytics.orders.recording import record_order
from analytics.tracking.domains import require_manager

REQUIRED_COLUMNS = ("order_id", "placed_at", "total", "currency")
OPTIONAL_COLUMNS = ("status", "refunded", "promo_codes", "cd_click", "customer_email", "customer_ip", "name")
MAX_ERRORS_SHOWN = 50


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # Excel writes a BOM
    except UnicodeDecodeError as exc:
        raise OrderError("The file is not UTF-8 text.", code=OrderErrorCode.BAD_FILE) from exc


def import_orders_csv(*, workspace: Workspace, data: bytes, by: User | None = None) -> ImportResult:
    """Import every row; `by` None is the command line (an operator), a user must be a manager. Runs in
    the caller's workspace scope."""
    if by is not None:
        require_manager(workspace_id=workspace.pk, user=by)
    reader = csv.DictReader(io.StringIO(_text(data), newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise OrderError(f"Missing column(s): {', '.join(missing)}.", code=OrderErrorCode.BAD_FILE)
    reader.fieldnames = header
    result = ImportResult()
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        values["promo_codes"] = values.get("promo_codes", "")  # type: ignore[assignment]
        try:
            parsed = parse_generic_data(values)
            with transaction.atomic():
                written = record_order(workspace=workspace, source=None, parsed=parsed)
        except OrderFormatError as exc:
            result.errors.append((line, str(exc)))
            continue
        if written.created:
            result.created += 1
        elif written.changed:
            result.updated += 1
        else:
            result.unchanged += 1
    record_audit_event(
        workspace=workspace, actor=by, action="orders.imported", target="csv",
        data={"created": result.created, "updated": result.updated, "errors": len(result.errors)},
    )  # fmt: skip
    return result
