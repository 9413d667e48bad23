"""What changed between two brief versions, line by line, for the creator's portal. Which fields
changed is `briefs.services.changed_fields` (the dashboard panel's rule); this adds the lines."""

import difflib
from dataclasses import dataclass

from briefs.models import Brief
from briefs.services import changed_fields


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    removed: list[str]
    added: list[str]


def brief_changes(before: Brief | None, after: Brief) -> list[FieldChange]:
    """One entry per changed content field: the lines taken out and the lines put in (a first version
    has no changes to show: everything in it is new)."""
    if before is None:
        return []
    changes = []
    for name in changed_fields(before, after):
        old, new = getattr(before, name).splitlines(), getattr(after, name).splitlines()
        diff = list(difflib.ndiff(old, new))
        label = str(getattr(Brief._meta.get_field(name), "verbose_name", name)).capitalize()
        changes.append(
            FieldChange(
                name=name,
                label=label,
                removed=[line[2:] for line in diff if line.startswith("- ") and line[2:].strip()],
                added=[line[2:] for line in diff if line.startswith("+ ") and line[2:].strip()],
            )
        )
    return changes
