"""zh-hans is the default language, English is one POST away, and the string tables are sound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

ROOT = Path(settings.BASE_DIR).parent
COMPILED_ZH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
HTML_LANG = re.compile(r'<html lang="([^"]+)"')


def page_language(response) -> str:
    match = HTML_LANG.search(response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_default_language_is_simplified_chinese(client):
    assert settings.LANGUAGE_CODE == "zh-hans"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert page_language(response) == "zh-hans"


@pytest.mark.skipif(not COMPILED_ZH.exists(),
                    reason="translations not compiled yet (`make messages` builds django.mo)")
def test_default_page_is_in_chinese(client):
    content = client.get(reverse("home")).content.decode()
    assert "登录" in content
    assert ">Sign in<" not in content


def test_switching_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert page_language(response) == "en"
    assert "Sign in" in response.content.decode()
    # The choice sticks for the next page …
    assert page_language(client.get(reverse("core:regions"))) == "en"
    # … and can be undone.
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert page_language(back) == "zh-hans"


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/i18n/setlang/",
                           {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


PO_ZH = COMPILED_ZH.with_suffix(".po")
PO_ENTRY = re.compile(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"\n(?:msgid_plural "[^\n]*"\n)?'
                      r'msgstr(?:\[0\])? "(.*)"$', re.M)


def po_entries_in_context() -> list[tuple[str, str, str]]:
    """(context, msgid, msgstr) of every entry; the context is "" for most."""
    return PO_ENTRY.findall(PO_ZH.read_text(encoding="utf-8"))


def po_entries() -> list[tuple[str, str]]:
    return [(msgid, msgstr) for _context, msgid, msgstr in po_entries_in_context()]


def test_every_message_in_the_catalogue_is_translated():
    entries = po_entries()
    assert len(entries) > 300
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert not untranslated, untranslated[:20]
    assert "#, fuzzy" not in PO_ZH.read_text(encoding="utf-8")


def test_compiled_catalogue_matches_the_source():
    """The committed .mo must be compiled from the committed .po (`make messages`)."""
    import gettext

    with COMPILED_ZH.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    def compiled_text(context: str, msgid: str) -> str:
        text = msgid.replace('\\"', '"')
        return compiled.pgettext(context, text) if context else compiled.gettext(text)

    stale = [
        msgid for context, msgid, msgstr in po_entries_in_context()
        if "\\" not in msgid and compiled_text(context, msgid) != msgstr.replace('\\"', '"')
    ]
    assert not stale, stale[:20]


def test_browser_language_does_not_override_the_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page_language(response) == "zh-hans"


def test_an_answer_says_its_language_and_that_it_varies_by_the_cookie(client):
    response = client.get(reverse("core:regions"))
    assert response["Content-Language"] == "zh-hans"
    assert "Cookie" in response["Vary"] and "Accept-Language" not in response["Vary"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get(reverse("core:regions"))["Content-Language"] == "en"


def test_a_path_that_looks_like_a_language_prefix_is_just_a_path(client):
    # No i18n_patterns: /en/ is not a language, and is not redirected to one.
    response = client.get("/en/")
    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"
