"""The licence PDF: WeasyPrint with Noto CJK, the seal image, the QR code, nothing fetched."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from jingchu.licenses import content, pdf, verification

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_carries_the_chinese_title_and_holder_in_its_text_layer(wallet_world):
    lic = wallet_world["licences"]["driving"]
    data = pdf.render_pdf(lic)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    text = _text(data)
    assert "机动车驾驶证" in text and "张三" in text
    assert "档案编号" in text and "420100123456" in text  # a data field under its schema title
    assert content.holder_code(lic) not in text  # the ID number is masked


def test_the_html_has_the_seal_and_the_verification_url_and_no_remote_reference(
        wallet_world, settings):
    settings.PUBLIC_URL = "https://zwfw.example.gov.cn/"
    lic = wallet_world["licences"]["business"]
    html = pdf.render_html(lic)
    url = f"https://zwfw.example.gov.cn/licences/verify/{lic.identifier}/"
    assert verification.verification_url(lic) == url
    assert url in html
    assert html.count('src="data:image/svg+xml') == 2  # the QR code and the seal
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "注册资本（万元）" in html and "有限责任公司" in html  # enum shown by its label
    assert content.holder_code(lic) not in html


def test_the_url_fetcher_loads_data_uris_only():
    fetcher = pdf.offline_fetcher()
    for url in ("http://127.0.0.1:9/seal.png", "https://example.com/x.css",
                "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher(url)
    response = fetcher("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_a_remote_image_in_the_template_is_not_fetched(wallet_world, monkeypatch):
    fetched: list[str] = []
    real = pdf.offline_fetcher

    def spying_fetcher():
        inner = real()
        original = inner.fetch

        def fetch(url, headers=None):
            fetched.append(url)
            return original(url, headers)

        inner.fetch = fetch
        return inner

    monkeypatch.setattr(pdf, "offline_fetcher", spying_fetcher)
    monkeypatch.setattr(pdf, "render_html", lambda lic, request=None:
                        '<html><body><img src="http://127.0.0.1:9/x.png">证</body></html>')
    assert pdf.render_pdf(wallet_world["licences"]["driving"]).startswith(b"%PDF")
    assert fetched == ["http://127.0.0.1:9/x.png"]  # asked, refused by the allowed protocols


def test_pdf_download_is_for_the_holder_and_the_issuers_staff(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    url = reverse("licenses:pdf", kwargs={"identifier": lic.identifier})
    assert client.get(url).status_code == 302  # to the sign-in page
    for outsider in ("lisi", "approver_wh_amr"):
        client.force_login(users[outsider])
        assert client.get(url).status_code == 404
    for allowed in ("zhangsan", "gaj_clerk"):
        client.force_login(users[allowed])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f"http://testserver/licences/verify/{lic.identifier}/" in pdf.render_html(
            lic, response.wsgi_request)
