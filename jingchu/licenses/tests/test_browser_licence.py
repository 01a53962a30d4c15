"""The licence path in a real browser: an enterprise's approved 企业开办 yields a business licence
in its wallet; the PDF downloads and the public verification page (the QR's target) says valid;
a second application (食品经营许可) takes the licence instead of an upload; once the issuing
bureau revokes it, the verification page says revoked.

Reuses the 一网通办 story's steps and fixtures (jingchu/cases/tests/test_browser_flow.py).
"""

from __future__ import annotations

from typing import Any

from jingchu.cases.tests.test_browser_flow import (  # noqa: F401  (fixtures)
    Actors,
    _accept_in_yichang,
    _apply_online,
    _handle_in_wuhan,
    browser,
    pytestmark,
    screenshots_on_failure,
    world,
)

FOOD_BUSINESS = "000172003000"  # 食品经营许可 at 武汉市江岸区市场监管局: asks for the 营业执照


def test_approved_case_licence_verify_reuse_revoke(browser, live_server, tmp_path):  # noqa: F811
    from jingchu.licenses.models import License

    base = live_server.url
    actors = Actors(browser, base)
    with screenshots_on_failure(actors, tmp_path):
        uid = _apply_online(actors.tab("wangwu"), base)
        _accept_in_yichang(actors.tab("clerk_yichang"), base, uid)
        _handle_in_wuhan(actors, base, uid)
        licence = License.objects.get(case__uid=uid)
        assert licence.license_type.key == "BUSINESS_LICENSE"
        identifier = licence.identifier
        verify_url = _wallet_pdf_and_verification(actors.tab("wangwu"), base, identifier)
        _reuse_in_a_second_application(actors.tab("wangwu"), base, identifier)
        _revoke(actors.tab("approver_wh_amr"), base, identifier)
        anonymous = browser.new_context().new_page()
        anonymous.goto(verify_url)
        assert anonymous.locator("#verify-result").get_attribute("data-code") == "revoked"


def _wallet_pdf_and_verification(page: Any, base: str, identifier: str) -> str:
    page.goto(f"{base}/licences/")
    page.click(f"#entity-licences tr[data-identifier='{identifier}'] a")
    page.wait_for_url(f"**/licences/{identifier}/")
    pdf = page.request.get(base + str(page.locator("#licence-pdf").get_attribute("href")))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.click(f"a[href='/licences/verify/{identifier}/']")
    page.wait_for_url(f"**/licences/verify/{identifier}/")
    assert page.locator("#verify-result").get_attribute("data-code") == "valid"
    return str(page.url)


def _reuse_in_a_second_application(page: Any, base: str, identifier: str) -> None:
    from jingchu.licenses.choices import UseKind
    from jingchu.licenses.models import LicenseUse
    from jingchu.services.models import ItemImplementation

    implementation = ItemImplementation.objects.get(
        item__code=FOOD_BUSINESS, organization__short_name="江岸区市场监管局")
    page.goto(f"{base}/cases/apply/{FOOD_BUSINESS}/")
    page.check(f"input[name=implementation][value='{implementation.uid}']")
    page.click("#start-application")
    page.wait_for_url("**/edit/")
    offer = page.locator(f"form.use-held:has(input[name=reference][value='{identifier}'])")
    offer.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".licence-used").count() == 1
    use = LicenseUse.objects.get(license__identifier=identifier, kind=UseKind.CASE_MATERIAL)
    assert use.case is not None and use.case.item.code == FOOD_BUSINESS


def _revoke(page: Any, base: str, identifier: str) -> None:
    page.goto(f"{base}/licences/issued/{identifier}/")
    page.select_option("#status-form select[name=action]", "revoke")
    page.fill("#status-form [name=reason]", "登记事项有误，依法撤销")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state()
