"""A city's monthly PDF report: WeasyPrint from the template `bizenv/report.html`, with the
system's Noto Sans CJK fonts. The charts are drawn in HTML and CSS (bars whose widths are the
scores), so the PDF needs no script; WeasyPrint fetches nothing (its URL fetcher takes `data:`
URIs only), so a template or data change can never make the server reach out."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jingchu.bizenv import queries
from jingchu.bizenv.models import CityResult

TEMPLATE = "bizenv/report.html"


def offline_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_html(result: CityResult) -> str:
    view = queries.city_view(result)
    return render_to_string(TEMPLATE, {"view": view, "result": result,
                                       "generated": timezone.localtime()})


def render_pdf(result: CityResult) -> bytes:
    pdf: bytes = HTML(string=render_html(result), url_fetcher=offline_fetcher()).write_pdf()
    return pdf
