"""The product and its tests need nothing outside the repository: a bare clone runs `make run` and
`make test`. The real creator file (kept beside the repository, never in it) is optional, used only when
DEMO_DATA_DIR names it, and `make test` and CI run with DEMO_DATA_DIR unset."""

from pathlib import Path

from django.conf import settings

REPOSITORY = Path(__file__).resolve().parents[2]
APPS = ("accounts", "analytics", "briefs", "campaigns", "config", "core", "creators", "outreach", "reports")
# Spelled in parts, so that this file does not find itself (nor trip the repository's text checks).
_SHARED = "sha" + "red"
OUTSIDE = (f"../{_SHARED}", f"{_SHARED}/data", f'"{_SHARED}" / "data"', f"'{_SHARED}' / 'data'")


def _sources(*folders: str) -> list[Path]:
    """Every Python file under `folders`, but this one (which names the folder to forbid it)."""
    here = Path(__file__).resolve()
    return sorted(path for folder in folders for path in (REPOSITORY / folder).rglob("*.py") if path != here)


def test_the_real_demo_file_is_not_configured_under_test():
    assert settings.DEMO_DATA_DIR is None, "run the suite with DEMO_DATA_DIR unset (make test and CI clear it)"


def test_no_test_reads_the_folder_beside_the_repository():
    found = [
        f"{path.relative_to(REPOSITORY)}: {needle}"
        for path in _sources("tests")
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_no_app_defaults_to_the_folder_beside_the_repository():
    found = [
        f"{path.relative_to(REPOSITORY)}: {needle}"
        for path in _sources(*APPS)
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []
