"""Pages load no outside asset (government intranets have no CDN); the app serves its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

PACKAGE = Path(settings.BASE_DIR)
# src/href of the tags that make a browser fetch something: scripts, stylesheets, icons, images.
ASSET_TAG = re.compile(r"<(script|link|img|source|iframe)\b[^>]*>", re.IGNORECASE)
ABSOLUTE = re.compile(r"""\b(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""(?:@import|url\()\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def outside_assets(html: str) -> list[str]:
    found = [tag.group(0) for tag in ASSET_TAG.finditer(html) if ABSOLUTE.search(tag.group(0))]
    return found + [m.group(0) for m in CSS_IMPORT.finditer(html)]


def all_templates() -> list[Path]:
    return sorted(PACKAGE.glob("**/templates/**/*.html"))


def test_the_scanner_finds_an_outside_asset():
    assert outside_assets('<script src="https://cdn.example/x.js"></script>')
    assert outside_assets("<link rel=stylesheet href=//cdn.example/x.css>")
    assert outside_assets("<style>@import url(https://fonts.example/a.css);</style>")
    assert not outside_assets('<script src="/static/vendor/htmx/htmx.min.js"></script>')
    assert not outside_assets('<a href="https://www.hubei.gov.cn/">a link is not an asset</a>')


def test_no_template_loads_an_outside_asset():
    templates = all_templates()
    assert len(templates) >= 3
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in templates
        if (found := outside_assets(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_no_stylesheet_loads_an_outside_asset():
    for sheet in (PACKAGE / "static" / "jingchu").glob("**/*.css"):
        assert not outside_assets(sheet.read_text(encoding="utf-8")), sheet


@pytest.mark.parametrize("url", ["/", "/account/login/", "/core/regions/", "/api/v1/docs"])
def test_rendered_pages_load_no_outside_asset(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert outside_assets(response.content.decode()) == []


def test_htmx_is_served_by_the_app_itself(client):
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    # WhiteNoise answers before any view, so this works with DEBUG off and no web server.
    assert type(response).__module__.startswith("whitenoise")
    body = b"".join(response.streaming_content)
    assert body == (PACKAGE / "static" / "vendor" / "htmx" / "htmx.min.js").read_bytes()
    assert "javascript" in response["Content-Type"]


def test_every_static_reference_on_the_home_page_is_served(client):
    html = client.get(reverse("home")).content.decode()
    paths = set(re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html))
    assert paths, "the home page references no static file"
    for path in paths:
        assert client.get(path).status_code == 200, path
