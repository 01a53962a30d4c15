"""The printable PDF of a licence: WeasyPrint from the template `licenses/pdf.html`.

A4 landscape, certificate style: the type's name as title, the holder, the holder's code
masked, the data fields under their JSON-Schema titles, number, identifier, issuer and dates,
the issuer's seal image and a QR code for the public verification page (its absolute URL, see
`verification.public_url`: `settings.PUBLIC_URL`, else the request, else localhost).

WeasyPrint fetches nothing: every picture is inlined as a `data:` URI, and the URL fetcher
refuses any other scheme, so a licence's data (or a template change) can never make the server
reach out to the network or read a local file. Fonts come from the system (Noto CJK).
"""

from __future__ import annotations

import base64

import segno
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jingchu.licenses import verification
from jingchu.licenses.models import License
from jingchu.licenses.views.presenting import data_rows, holder_code_masked

TEMPLATE = "licenses/pdf.html"


def offline_fetcher() -> URLFetcher:
    """A URL fetcher that loads `data:` URIs only."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def render_html(lic: License, request: HttpRequest | None = None) -> str:
    url = verification.verification_url(lic, request)
    return render_to_string(TEMPLATE, {
        "lic": lic,
        "rows": data_rows(lic),
        "holder_code": holder_code_masked(lic),
        "seal_image": svg_data_uri(lic.seal.image_svg),
        "qr_image": qr_data_uri(url),
        "verify_url": url,
    })


def render_pdf(lic: License, request: HttpRequest | None = None) -> bytes:
    """The licence as a PDF (bytes)."""
    html = HTML(string=render_html(lic, request), url_fetcher=offline_fetcher())
    pdf: bytes = html.write_pdf()
    return pdf
