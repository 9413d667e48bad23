"""Writing a small CSV and importing it as a workspace would, for the import tests."""

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from creators.importing import ImportSummary, import_creators


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(workspace: Workspace, path: Path) -> ImportSummary:
    with workspace_scope(workspace):
        return import_creators(workspace=workspace, path=path)
