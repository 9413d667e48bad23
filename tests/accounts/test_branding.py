"""A workspace's colour and logo: checked before they are saved, shown to creators, served publicly."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import branding, services
from accounts.errors import AccountError, AccountPermissionError
from accounts.models import AuditEvent, Workspace
from accounts.tenancy import workspace_scope

pytestmark = pytest.mark.django_db


def _png(width: int = 2, height: int = 1) -> bytes:
    """A real, decodable PNG: signature, IHDR, one IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _save(workspace, by, **kwargs):
    with workspace_scope(workspace):
        return services.update_branding(workspace=workspace, by=by, **kwargs)


@pytest.mark.parametrize(("given", "stored"), [("#e4405f", "#E4405F"), ("E4405F", "#E4405F"), ("  ", "")])
def test_colours_are_normalised(given, stored):
    assert branding.clean_brand_color(given) == stored


@pytest.mark.parametrize("bad", ["red", "#E4405", "#GGGGGG", "#E4405F00", "javascript:alert(1)"])
def test_a_colour_that_is_not_six_hex_digits_is_refused(bad):
    with pytest.raises(branding.BrandingError):
        branding.clean_brand_color(bad)


@pytest.mark.parametrize(
    ("color", "text"),
    [("#FFFFFF", "#000000"), ("#FFEB3B", "#000000"), ("#000000", "#FFFFFF"), ("#066FD1", "#FFFFFF")],
)
def test_the_text_colour_is_the_readable_one(color, text):
    assert branding.readable_text_color(color) == text


def test_the_owner_sets_colour_and_logo_and_the_file_is_named_by_its_content(workspace, owner, media):
    logo = SimpleUploadedFile("../../etc/my logo.gif", _png(), content_type="image/gif")
    saved = _save(workspace, owner, brand_color="#e4405f", logo=logo)
    saved.refresh_from_db()
    assert saved.brand_color == "#E4405F"
    assert saved.logo.name.startswith("brand/") and saved.logo.name.endswith(".png")
    assert ".." not in saved.logo.name and "gif" not in saved.logo.name
    assert (media / saved.logo.name).read_bytes() == _png()
    with workspace_scope(workspace):
        assert AuditEvent.objects.filter(action="workspace.branding_updated").count() == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"<html><body>not an image</body></html>", "logo.png"),
        (b"", "logo.png"),
        (b"GIF89a" + b"\x00" * 40, "logo.gif"),
    ],
)
def test_a_logo_that_is_not_png_jpeg_or_webp_by_content_is_refused_and_nothing_changes(
    workspace, owner, media, content, name
):
    _save(workspace, owner, brand_color="#111111")
    with pytest.raises(AccountError) as excinfo:
        _save(workspace, owner, brand_color="#222222", logo=SimpleUploadedFile(name, content, content_type="image/png"))
    assert "logo" in excinfo.value.fields
    workspace.refresh_from_db()
    assert workspace.brand_color == "#111111" and not workspace.logo
    assert not (media / "brand").exists()


def test_an_oversized_logo_is_refused(workspace, owner, media):
    big = SimpleUploadedFile("logo.png", _png() + b"\x00" * branding.LOGO_MAX_BYTES, content_type="image/png")
    with pytest.raises(AccountError, match="limit"):
        _save(workspace, owner, brand_color="", logo=big)


def test_a_bad_colour_writes_nothing_even_with_a_good_logo(workspace, owner, media):
    with pytest.raises(AccountError) as excinfo:
        _save(workspace, owner, brand_color="blue", logo=SimpleUploadedFile("l.png", _png()))
    assert "brand_color" in excinfo.value.fields
    workspace.refresh_from_db()
    assert not workspace.logo and workspace.brand_color == ""


def test_the_database_refuses_a_colour_that_bypasses_the_service(workspace):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(brand_color="red")


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_only_owners_change_the_branding(request, workspace, media, role):
    user = request.getfixturevalue(role)
    with pytest.raises(AccountPermissionError):
        _save(workspace, user, brand_color="#E4405F")
    workspace.refresh_from_db()
    assert workspace.brand_color == ""


def test_replacing_the_logo_deletes_the_old_file(workspace, owner, media, django_capture_on_commit_callbacks):
    first = _save(workspace, owner, brand_color="", logo=SimpleUploadedFile("a.png", _png(1, 1)))
    old = media / first.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = _save(workspace, owner, brand_color="", logo=SimpleUploadedFile("b.png", _png(3, 1)))
    assert not old.exists()
    assert (media / second.logo.name).read_bytes() == _png(3, 1)


def test_the_logo_is_served_publicly_with_its_type_and_nothing_else_is(client, workspace, owner, media):
    _save(workspace, owner, brand_color="", logo=SimpleUploadedFile("a.png", _png()))
    response = client.get(reverse("brand-logo", kwargs={"slug": workspace.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    assert client.get(reverse("brand-logo", kwargs={"slug": "no-such-brand"})).status_code == 404
    other = Workspace.objects.create(name="No logo", slug="no-logo")
    assert client.get(reverse("brand-logo", kwargs={"slug": other.slug})).status_code == 404


def test_the_settings_page_saves_the_branding_and_shows_the_error_for_a_bad_file(client, workspace, owner, media):
    client.force_login(owner)
    url = reverse("settings-branding")
    bad = client.post(url, {"brand_color": "#123456", "logo": io.BytesIO(b"<svg/>")})
    assert bad.status_code == 400
    assert "PNG, JPEG or WebP" in bad.content.decode()
    good = client.post(url, {"brand_color": "#123456"})
    assert good.status_code == 302
    workspace.refresh_from_db()
    assert workspace.brand_color == "#123456"
    page = client.get(reverse("settings")).content.decode()
    assert "--cd-ws-brand: #123456" in page
