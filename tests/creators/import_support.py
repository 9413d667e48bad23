"""Writing a small CSV and importing it as a workspace would, for the import tests."""

import csv
from collections.abc import Iterable, Sequence
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from creators.importing.pipeline import ImportSummary, import_creators


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(workspace: Workspace, path: Path) -> ImportSummary:
    with workspace_scope(workspace):
        return import_creators(workspace=workspace, path=path)


def run_import_command(*args: Any) -> str:
    """`manage.py import_creators ARGS`; what it printed."""
    out = StringIO()
    call_command("import_creators", *map(str, args), stdout=out)
    return out.getvalue()
