import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Contract PDFs are files: each test writes them to its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
