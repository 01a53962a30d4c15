"""Filing tickets from every channel, and what intake refuses (writing nothing)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jingchu.core.crypto import blind_index
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent, Region
from jingchu.hotline import numbering, storage
from jingchu.hotline.actions import intake
from jingchu.hotline.choices import Channel, TicketStatus, TrainingSource
from jingchu.hotline.models import Category, Ticket, TicketAttachment, TrainingExample
from jingchu.hotline.tests.conftest import CITIZEN_PHONE
from jingchu.identity import actions as identity_actions
from jingchu.identity.models import Person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
HONGSHAN_ADDRESS = "武汉市洪山区珞喻路1037号"
NUMBER = re.compile(r"^\d{6}-12345-\d{8}-\d{6}$")


# --- helpers the other intake-side test modules share -------------------------------------


def file_ticket(actor: Any, **fields: Any) -> Ticket:
    """A ticket with sensible defaults; `fields` override them."""
    values: dict[str, Any] = {"channel": Channel.WEB, "kind": "complaint",
                              "title": "商场销售过期食品", "address": HONGSHAN_ADDRESS,
                              "content": "洪山区某超市销售过期酸奶，要求查处。"}
    values.update(fields)
    return intake.do_file_ticket(actor, **values)


def code_of(category: Category | None) -> str | None:
    return category.code if category is not None else None


def force(ticket: Ticket, **fields: Any) -> Ticket:
    """Put a ticket in a state another helper's action would have left it in (tests only)."""
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    ticket.refresh_from_db()
    return ticket


def register_person(name: str, phone: str, sequence: int, username: str = "") -> Person:
    number = make_id_number("420111", dt.date(1985, 5, 20), sequence, male=True)
    return identity_actions.do_register_person(None, name=name, id_number=number, phone=phone,
                                               username=username,
                                               password="Jingchu@2026" if username else "")


def fake_suggestion(monkeypatch: pytest.MonkeyPatch, code: str | None,
                    score: float = 0.8) -> None:
    """The classifier answers `code` (nothing when None), whatever the text."""
    from jingchu.hotline import classify

    def suggest(text: str, top: int = 3) -> list[Any]:
        if code is None:
            return []
        category = Category.objects.get(code=code)
        return [classify.Suggestion(code=code, name=category.name,
                                    department=category.department, score=score)]

    monkeypatch.setattr(classify, "suggest", suggest)


def hotline_files(media_root: Any) -> list[Path]:
    return [p for p in (Path(media_root) / "hotline").rglob("*") if p.is_file()]


def nothing_written(media_root: Any) -> None:
    assert Ticket.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="hotline.ticket").exists()
    assert TicketAttachment.objects.count() == 0
    assert hotline_files(media_root) == []


# --- filing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_files_on_the_web(hotline_world: dict[str, Any]) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = file_ticket(citizen, address=HONGSHAN_ADDRESS)
    assert ticket.status == TicketStatus.RECEIVED
    assert ticket.person == citizen.person
    assert (ticket.caller_name, ticket.caller_phone) == ("张小明", CITIZEN_PHONE)
    assert ticket.caller_phone_index == blind_index(CITIZEN_PHONE)
    assert ticket.centre == hotline_world["centre"]
    hongshan = hotline_world["hongshan"]
    assert ticket.region is not None and ticket.region.path.startswith(hongshan.path)
    local_day = ticket.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert ticket.number == f"420100-12345-{local_day:%Y%m%d}-000001"
    assert [e.action for e in ticket.events.all()] == ["received"]
    event = AuditEvent.objects.get(action="hotline.ticket.file")
    assert event.actor == citizen and event.details["channel"] == "web"


@pytest.mark.django_db
def test_anonymous_request_without_address_goes_to_the_province_centre(
        hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(AnonymousUser(), channel=Channel.MOBILE, kind="suggestion",
                         title="", address="", content="建议在政务服务中心增加母婴室。\n第二行")
    assert ticket.centre == hotline_world["province_centre"]
    assert ticket.region is None and ticket.person is None and ticket.received_by is None
    assert ticket.title == "建议在政务服务中心增加母婴室。"  # from the first line of the content
    assert ticket.number.startswith("420000-12345-")


@pytest.mark.django_db
def test_address_picks_the_deepest_centre(hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(None, channel=Channel.API, actor_label="api:test",
                         address="湖北省武汉市江岸区解放大道")
    assert ticket.centre == hotline_world["centre"]
    assert AuditEvent.objects.get(action="hotline.ticket.file").actor_label == "api:test"


@pytest.mark.django_db
def test_operator_phone_call_links_the_caller_by_phone(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    ticket = file_ticket(operator, channel=Channel.PHONE, caller_phone="138-0013-8000",
                         caller_name="张先生")
    assert ticket.caller_phone == CITIZEN_PHONE  # digits only, whatever the typing
    assert ticket.person == hotline_world["users"]["citizen"].person
    assert ticket.caller_name == "张先生"  # the name given on the call is kept
    assert ticket.received_by == operator and ticket.centre == hotline_world["centre"]


@pytest.mark.django_db
def test_a_phone_shared_by_two_people_links_nobody(hotline_world: dict[str, Any]) -> None:
    register_person("李四", CITIZEN_PHONE, 7)
    ticket = file_ticket(hotline_world["users"]["operator"], channel=Channel.PHONE,
                         caller_phone=CITIZEN_PHONE)
    assert ticket.person is None


@pytest.mark.django_db
def test_landline_numbers_are_accepted(hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(AnonymousUser(), caller_phone="027-8765 4321")
    assert ticket.caller_phone == "02787654321"


@pytest.mark.django_db
def test_open311_request_with_attributes(hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(None, channel=Channel.OPEN311, actor_label="open311:城管通",
                         centre=hotline_world["centre"], category="utilities", title="",
                         content="小区停水两天了", latitude="30.5123456", longitude=114.35,
                         attributes={"utility": "water", "households": "12"})
    assert ticket.attributes == {"utility": "water", "households": 12}
    assert code_of(ticket.category) == "utilities"
    assert str(ticket.latitude) == "30.512346" and str(ticket.longitude) == "114.350000"
    assert ticket.title == "小区停水两天了"
    assert ticket.events.get().details == {"channel": "open311", "by": "open311:城管通"}


@pytest.mark.django_db
def test_numbers_count_per_region_and_day(hotline_world: dict[str, Any]) -> None:
    first = file_ticket(AnonymousUser(), address=HONGSHAN_ADDRESS)
    second = file_ticket(AnonymousUser(), address=HONGSHAN_ADDRESS)
    assert NUMBER.match(first.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    day = dt.date(2026, 10, 9)
    assert numbering.next_number("420500000000", day) == "420500-12345-20261009-000001"
    assert numbering.next_number("420500000000", day) == "420500-12345-20261009-000002"
    assert numbering.next_number("420500000000", day + dt.timedelta(days=1)).endswith("-000001")


@pytest.mark.django_db
def test_operator_may_not_file_for_another_centre(hotline_world: dict[str, Any]) -> None:
    with pytest.raises(NotPermitted) as err:
        file_ticket(hotline_world["users"]["operator"], channel=Channel.PHONE,
                    centre=hotline_world["province_centre"])
    assert err.value.details["field"] == "centre"


# --- refusals -------------------------------------------------------------------------------

REFUSALS = [
    ({"content": "  "}, "content_required", "content"),
    ({"content": "长" * 5001}, "content_too_long", "content"),
    ({"title": "题" * 201}, "title_too_long", "title"),
    ({"kind": "gossip"}, "kind_invalid", "kind"),
    ({"urgency": "asap"}, "urgency_invalid", "urgency"),
    ({"channel": "fax"}, "channel_invalid", "channel"),
    ({"caller_phone": "12345"}, "phone_invalid", "caller_phone"),
    ({"caller_phone": "2345678901"}, "phone_invalid", "caller_phone"),
    ({"latitude": 91, "longitude": 114}, "latitude_invalid", "latitude"),
    ({"latitude": 30, "longitude": "east"}, "longitude_invalid", "longitude"),
    ({"latitude": 30.5}, "longitude_required", "longitude"),
    ({"category": "nonsense"}, "category_invalid", "category"),
    ({"category": "utilities", "attributes": {"utility": "oil"}}, "attribute_invalid",
     "attributes"),
    ({"category": "utilities", "attributes": {"households": 3}}, "attribute_required",
     "attributes"),
    ({"category": "utilities", "attributes": {"utility": "gas", "households": "many"}},
     "attribute_invalid", "attributes"),
    ({"category": "utilities", "attributes": {"utility": "gas", "colour": "red"}},
     "attribute_unknown", "attributes"),
    ({"attributes": {"utility": "gas"}}, "attribute_unknown", "attributes"),
    ({"kind": "consult", "reported_org": "wh-scjg"}, "reported_org_invalid", "reported_org"),
    ({"files": [SimpleUploadedFile("a.png", PNG)] * 6}, "too_many_files", "files"),
    ({"files": [SimpleUploadedFile("a.png", PNG),
                SimpleUploadedFile("big.pdf", PDF + b"0" * storage.MAX_BYTES)]},
     "file_too_large", "files"),
    ({"files": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("a.txt", b"hello")]},
     "file_type", "files"),
    ({"files": [SimpleUploadedFile("photo.pdf", PNG)]}, "file_extension_mismatch", "files"),
    ({"files": [SimpleUploadedFile("empty.png", b"")]}, "file_empty", "files"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "code", "field"), REFUSALS,
                         ids=[r[1] + "-" + str(i) for i, r in enumerate(REFUSALS)])
def test_bad_input_is_refused_and_nothing_is_written(
        hotline_world: dict[str, Any], settings: Any, fields: dict[str, Any], code: str,
        field: str) -> None:
    if "reported_org" in fields:
        fields = {**fields, "reported_org": hotline_world["orgs"][fields["reported_org"]]}
    with pytest.raises(ActionError) as err:
        file_ticket(hotline_world["users"]["operator"], **fields)
    assert (err.value.code, err.value.details["field"]) == (code, field)
    assert err.value.message
    nothing_written(settings.MEDIA_ROOT)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "amr_handler", "outsider"])
def test_only_operators_file_phone_calls(hotline_world: dict[str, Any], settings: Any,
                                         who: str) -> None:
    actor = AnonymousUser() if who == "anonymous" else hotline_world["users"][who]
    with translation.override("en"), pytest.raises(NotPermitted) as err:
        file_ticket(actor, channel=Channel.PHONE, caller_phone=CITIZEN_PHONE)
    assert err.value.details["field"] == "channel"
    assert "operator" in err.value.message
    nothing_written(settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_refusal_messages_are_translated(hotline_world: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ActionError) as err:
        file_ticket(AnonymousUser(), caller_phone="555")
    assert "11-digit mobile number" in err.value.message


@pytest.mark.django_db
def test_only_an_operator_links_someone_else(hotline_world: dict[str, Any]) -> None:
    other = register_person("王五", "13900139000", 8)
    with pytest.raises(NotPermitted) as err:
        file_ticket(hotline_world["users"]["citizen"], person=other)
    assert err.value.details["field"] == "person"
    ticket = file_ticket(hotline_world["users"]["operator"], channel=Channel.PHONE,
                         person=other)
    assert ticket.person == other and ticket.caller_phone == "13900139000"


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_attachments_are_stored_and_read_back(hotline_world: dict[str, Any],
                                              settings: Any) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = file_ticket(citizen, address=HONGSHAN_ADDRESS,
                         files=[SimpleUploadedFile("现场.PNG", PNG),
                                SimpleUploadedFile("C:\\docs\\receipt.pdf", PDF)])
    rows = list(ticket.attachments.all())
    assert [(a.name, a.content_type, a.size) for a in rows] == [
        ("现场.PNG", "image/png", len(PNG)), ("receipt.pdf", "application/pdf", len(PDF))]
    assert rows[0].sha256 == hashlib.sha256(PNG).hexdigest()
    assert rows[0].file.startswith("hotline/") and str(ticket.uid) in rows[0].file
    assert rows[0].file.endswith(f"{rows[0].uid}.png")
    assert len(hotline_files(settings.MEDIA_ROOT)) == 2
    with intake.do_open_attachment(citizen, rows[1]) as handle:
        assert handle.read() == PDF
    assert not AuditEvent.objects.filter(action="hotline.attachment.read").exists()
    operator = hotline_world["users"]["operator"]
    with intake.do_open_attachment(operator, rows[0]) as handle:
        assert handle.read() == PNG
    assert AuditEvent.objects.get(action="hotline.attachment.read").actor == operator
    with pytest.raises(NotPermitted):
        intake.do_open_attachment(hotline_world["users"]["outsider"], rows[0])


class FailingSecondSave:
    """A store that takes the first file and fails on the second (a full disk, say)."""

    def __init__(self) -> None:
        self.inner = storage.LocalDiskStorage()
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def save(self, name: str, content: Any) -> str:
        self.calls += 1
        if self.calls == 2:
            raise OSError("disk full")
        return self.inner.save(name, content)


@pytest.mark.django_db
def test_a_failed_store_leaves_no_file_behind(hotline_world: dict[str, Any], settings: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    failing = FailingSecondSave()
    monkeypatch.setattr(storage, "backend", lambda: failing)
    with pytest.raises(OSError):
        file_ticket(AnonymousUser(), files=[SimpleUploadedFile("a.png", PNG),
                                            SimpleUploadedFile("b.png", PNG)])
    assert failing.calls == 2
    nothing_written(settings.MEDIA_ROOT)


# --- classification -------------------------------------------------------------------------


@pytest.mark.django_db
def test_suggestion_is_stored(hotline_world: dict[str, Any],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    fake_suggestion(monkeypatch, "market-food", 0.72)
    ticket = file_ticket(AnonymousUser())
    assert (code_of(ticket.suggested_category), ticket.suggested_score) == ("market-food", 0.72)
    assert ticket.category is None


@pytest.mark.django_db
def test_a_broken_classifier_does_not_stop_intake(hotline_world: dict[str, Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from jingchu.hotline import classify

    def broken(text: str, top: int = 3) -> list[Any]:
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(classify, "suggest", broken)
    ticket = file_ticket(AnonymousUser())
    assert ticket.suggested_category is None and ticket.status == TicketStatus.RECEIVED


@pytest.mark.django_db
def test_real_classifier_suggests_something_for_a_clear_text(
        hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(AnonymousUser(), title="超市卖过期食品",
                         content="我在超市买到过期变质的牛奶，食品安全有问题，请市场监管部门查处。")
    assert ticket.suggested_category is not None
    assert ticket.suggested_score is not None and ticket.suggested_score > 0


@pytest.mark.django_db
def test_operator_correction_becomes_training_data(hotline_world: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fake_suggestion(monkeypatch, "market-food")
    operator = hotline_world["users"]["operator"]
    corrected = file_ticket(operator, channel=Channel.PHONE, category="market-consumer")
    example = TrainingExample.objects.get()
    assert (example.ticket, example.category.code, example.source) == (
        corrected, "market-consumer", TrainingSource.CORRECTION)
    assert example.text.startswith(corrected.title) and example.created_by == operator
    file_ticket(operator, channel=Channel.PHONE, category="market-food")  # agrees: no example
    file_ticket(hotline_world["users"]["citizen"], category="tax")  # a citizen's choice: none
    assert TrainingExample.objects.count() == 1


@pytest.mark.django_db
def test_set_category_keeps_one_correction_per_ticket(hotline_world: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake_suggestion(monkeypatch, "market-food")
    operator = hotline_world["users"]["operator"]
    ticket = file_ticket(AnonymousUser())
    intake.do_set_category(operator, ticket, "market-consumer")
    intake.do_set_category(operator, ticket, Category.objects.get(code="health-service"))
    ticket.refresh_from_db()
    assert code_of(ticket.category) == "health-service"
    assert [e.category.code for e in TrainingExample.objects.all()] == ["health-service"]
    intake.do_set_category(operator, ticket, "market-food")  # the model was right after all
    assert TrainingExample.objects.count() == 0
    assert [e.action for e in ticket.events.all()].count("categorized") == 3
    assert AuditEvent.objects.filter(action="hotline.ticket.categorize").count() == 3


@pytest.mark.django_db
def test_set_category_refusals(hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(AnonymousUser())
    for who in ("outsider", "amr_handler", "citizen"):
        with pytest.raises(NotPermitted):
            intake.do_set_category(hotline_world["users"][who], ticket, "tax")
    operator = hotline_world["users"]["operator"]
    with pytest.raises(ActionError) as err:
        intake.do_set_category(operator, ticket, "nonsense")
    assert err.value.code == "category_invalid"
    force(ticket, status=TicketStatus.HANDLING)
    with pytest.raises(ActionError) as err:
        intake.do_set_category(operator, ticket, "tax")
    assert err.value.code == "wrong_state"
    assert Ticket.objects.get(pk=ticket.pk).category is None


# --- linking the caller ---------------------------------------------------------------------


@pytest.mark.django_db
def test_operator_links_the_caller_to_a_person(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    ticket = file_ticket(operator, channel=Channel.PHONE)
    assert ticket.person is None
    person = hotline_world["users"]["citizen"].person
    with pytest.raises(NotPermitted):
        intake.do_link_person(hotline_world["users"]["outsider"], ticket, person)
    ticket = intake.do_link_person(operator, ticket, person)
    assert ticket.person == person and ticket.caller_name == "张小明"
    assert ticket.caller_phone_index == blind_index(CITIZEN_PHONE)
    assert ticket.events.filter(action="person_linked").exists()
    event = AuditEvent.objects.get(action="hotline.ticket.link_person")
    assert event.details == {"person": str(person.uid)}


@pytest.mark.django_db
def test_region_is_matched_inside_the_operators_city(hotline_world: dict[str, Any]) -> None:
    ticket = file_ticket(hotline_world["users"]["operator"], channel=Channel.PHONE,
                         address="洪山区珞喻路1037号")
    assert ticket.region is not None
    assert ticket.region.path.startswith(hotline_world["hongshan"].path)
    assert Region.objects.filter(code=ticket.region.code).exists()
