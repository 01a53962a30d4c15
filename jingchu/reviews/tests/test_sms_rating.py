"""短信评价: the invitation sent on completion, the reply grammar, and the inbound webhook that
rates from a reply or refuses it with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from jingchu.cases import actions as case_actions
from jingchu.core import crypto
from jingchu.core.errors import NotPermitted
from jingchu.core.models import AuditEvent, Notification
from jingchu.reviews import actions, sms_reply
from jingchu.reviews.choices import RatingChannel, RectificationStatus, SmsInvitationStatus
from jingchu.reviews.models import Rectification, Review, SmsRatingInvitation
from jingchu.reviews.tests.conftest import make_case

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/sms/inbound"
SECRET = "gateway-secret-for-tests"
WANGWU_PHONE = "18627001234"  # the demo applicant's mobile number
LISI_PHONE = "13907151234"
FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_OUTBOX_PATH = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "jingchu.core.sms.FileOutboxBackend"
    return settings.SMS_OUTBOX_PATH


@pytest.fixture
def gateway(settings):
    settings.SMS_INBOUND_SECRET = SECRET


def sent(outbox) -> list[dict[str, str]]:
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def complete(world, capture):
    """The demo case taken to completion, its transaction's after-commit work run."""
    case = make_case(world["orgs"], world["users"], upto="approve")
    with capture(execute=True):
        case = case_actions.do_transition(world["users"]["reviewer"], case, "complete")
    return case


@pytest.fixture
def invitation(world, outbox, django_capture_on_commit_callbacks) -> SmsRatingInvitation:
    case = complete(world, django_capture_on_commit_callbacks)
    return SmsRatingInvitation.objects.select_related("case").get(case=case)


def post(client, payload, *, secret=SECRET, signature=None):
    body = json.dumps(payload, ensure_ascii=False).encode()
    if signature is None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(URL, body, content_type="application/json",
                       HTTP_X_JINGCHU_SIGNATURE=signature)


def written() -> tuple[int, ...]:
    return (Review.objects.count(), Rectification.objects.count(), AuditEvent.objects.count(),
            Notification.objects.count(),
            SmsRatingInvitation.objects.exclude(status=SmsInvitationStatus.OPEN).count())


# --- the invitation ------------------------------------------------------------------------


def test_completion_sends_the_applicant_an_sms_invitation(world, invitation, outbox):
    wangwu = world["users"]["wangwu"]
    assert invitation.event == "completion" and invitation.status == SmsInvitationStatus.OPEN
    assert invitation.person == wangwu.person
    assert invitation.organization == world["orgs"]["wh-scjg"]  # the deciding organization
    assert invitation.phone_index == crypto.blind_index(WANGWU_PHONE)
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    assert len(invitation.reply_code) == 6 and invitation.reply_code.isdigit()
    [message] = [m for m in sent(outbox) if invitation.reply_code in m["text"]]
    assert message["phone"] == WANGWU_PHONE
    assert AuditEvent.objects.filter(action="reviews.sms_invitation.send",
                                     object_id=str(invitation.uid)).exists()


def test_the_invitation_waits_for_the_case_to_commit(world, outbox):
    case = make_case(world["orgs"], world["users"])  # completed; no commit inside the test
    assert case.status == "completed"
    assert not SmsRatingInvitation.objects.exists()


def test_a_failing_invitation_never_breaks_the_completion(world, outbox, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("gateway down")

    monkeypatch.setattr(actions, "do_invite_sms_rating", broken)
    case = complete(world, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == "completed"
    assert not SmsRatingInvitation.objects.exists()


def test_one_invitation_per_step(world, invitation):
    again = actions.do_invite_sms_rating(None, invitation.case, "completion")
    assert again == invitation
    assert SmsRatingInvitation.objects.count() == 1


def test_nobody_is_invited_for_a_step_already_rated(world, completed_case, outbox):
    actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion", level=5)
    assert actions.do_invite_sms_rating(None, completed_case, "completion") is None
    assert not SmsRatingInvitation.objects.exists()


def test_only_the_case_s_own_staff_may_invite(world, completed_case):
    with pytest.raises(NotPermitted):
        actions.do_invite_sms_rating(world["users"]["reviewer_amr"], completed_case,
                                     "completion")  # 省市场监管局, not the handling org
    inv = actions.do_invite_sms_rating(world["users"]["reviewer"], completed_case, "submission")
    assert inv is not None and inv.organization == completed_case.accepting_org


# --- the grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code", "level", "comment"), [
    ("482913 5", "482913", 5, ""),
    ("４８２９１３\u3000４", "482913", 4, ""),
    ("  482913   3  ", "482913", 3, ""),
    ("482913非常满意", "482913", 5, ""),
    ("482913，满意", "482913", 4, ""),
    ("482913 基本满意", "482913", 3, ""),
    ("482913 不满意 排队太久", "482913", 2, "排队太久"),
    ("482913：非常不满意！", "482913", 1, ""),
    ("482913,2,材料退了三次", "482913", 2, "材料退了三次"),
    ("５", None, 5, ""),
    ("4分", None, 4, ""),
    ("非常不满意", None, 1, ""),
    ("不满意", None, 2, ""),
    ("满意", None, 4, ""),
])
def test_replies_are_read(text, code, level, comment):
    assert sms_reply.parse(text) == sms_reply.Reply(code=code, level=level, comment=comment)


@pytest.mark.parametrize("text", ["", "hello", "6", "0", "55", "12345 5", "482913", "482913 9",
                                  "好"])
def test_unreadable_replies_are_none(text):
    assert sms_reply.parse(text) is None


@pytest.mark.parametrize(("raw", "phone"), [
    ("18627001234", "18627001234"), ("+86 186-2700-1234", "18627001234"),
    ("008618627001234", "18627001234"), ("１８６２７００１２３４", "18627001234"),
    ("2700123", ""), ("28627001234", ""), ("", ""),
])
def test_sender_numbers_are_normalized(raw, phone):
    assert sms_reply.normalize_phone(raw) == phone


# --- replies through the webhook -----------------------------------------------------------


def test_a_reply_rates_the_invited_step(client, world, invitation, gateway, outbox,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"from": "+86 186 2700 1234",
                                 "text": f"{invitation.reply_code} 5",
                                 "received_at": timezone.now().isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    review = Review.objects.get()
    assert body == {"result": "rated", "review_uid": str(review.uid),
                    "case_number": invitation.case.number, "level": 5,
                    "rectification_opened": False}
    assert review.channel == RatingChannel.SMS and review.level == 5
    assert review.rater == world["users"]["wangwu"].person
    assert review.organization == world["orgs"]["wh-scjg"] and review.event == "completion"
    assert dict(review.scores.values_list("indicator", "score")) == {"overall": 5}
    invitation.refresh_from_db()
    assert invitation.status == SmsInvitationStatus.ANSWERED and invitation.review == review
    assert not Rectification.objects.exists()
    assert sent(outbox)[-1]["phone"] == WANGWU_PHONE  # the thank-you reply
    audit = AuditEvent.objects.get(action="reviews.sms_invitation.answer")
    assert audit.actor_label == "sms-gateway"


def test_a_bad_reply_in_chinese_words_opens_a_rectification(client, world, invitation, gateway):
    response = post(client, {"from": WANGWU_PHONE,
                             "text": f"{invitation.reply_code} 非常不满意 排队太久"})
    assert response.status_code == 200, response.content
    assert response.json()["rectification_opened"] is True
    review = Review.objects.get()
    assert review.level == 1 and review.comment == "排队太久" and review.channel == "sms"
    rect = review.rectification
    assert rect.status == RectificationStatus.OPEN
    assert rect.organization == world["orgs"]["wh-scjg"]


def test_a_full_width_reply_rates(client, invitation, gateway):
    text = f"{invitation.reply_code} 2".translate(FULL_WIDTH)
    response = post(client, {"from": WANGWU_PHONE, "text": text})
    assert response.status_code == 200, response.content
    assert Review.objects.get().level == 2


def test_the_level_alone_answers_the_only_open_invitation(client, invitation, gateway):
    response = post(client, {"from": WANGWU_PHONE, "text": "满意"})
    assert response.status_code == 200, response.content
    assert Review.objects.get().level == 4


def test_the_level_alone_is_refused_when_two_invitations_are_open(client, invitation, gateway):
    actions.do_invite_sms_rating(None, invitation.case, "submission")
    before = written()
    response = post(client, {"from": WANGWU_PHONE, "text": "5"})
    assert response.status_code == 400
    assert response.json()["code"] == "reply_code_required"
    assert written() == before


def _expire(invitation):
    SmsRatingInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))


@pytest.mark.parametrize(("case", "status", "code"), [
    ("wrong_code", 404, "invitation_unknown"),
    ("wrong_phone", 404, "invitation_unknown"),
    ("expired", 409, "invitation_expired"),
    ("unreadable", 400, "reply_unreadable"),
    ("not_a_mobile", 400, "sender_invalid"),
])
def test_a_reply_that_matches_no_open_invitation_is_refused(client, invitation, gateway, case,
                                                            status, code):
    phone, text = WANGWU_PHONE, f"{invitation.reply_code} 1"
    if case == "wrong_code":
        text = f"{(int(invitation.reply_code) - 100000 + 1) % 900000 + 100000} 1"
    elif case == "wrong_phone":
        phone = LISI_PHONE
    elif case == "expired":
        _expire(invitation)
    elif case == "unreadable":
        text = f"{invitation.reply_code} 很好"
    elif case == "not_a_mobile":
        phone = "10086"
    before = written()
    response = post(client, {"from": phone, "text": text})
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert written() == before
    assert not Review.objects.exists()


def test_a_reply_late_at_the_webhook_but_sent_in_time_still_rates(client, invitation, gateway):
    sent_at = timezone.now() - dt.timedelta(minutes=5)
    SmsRatingInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 4",
                             "received_at": sent_at.isoformat()})
    assert response.status_code == 200, response.content


def test_an_answered_invitation_takes_no_second_reply(client, invitation, gateway):
    assert post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 5"}
                ).status_code == 200
    before = written()
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 1"})
    assert response.status_code == 409 and response.json()["code"] == "invitation_answered"
    assert written() == before
    assert Review.objects.get().level == 5


def test_a_step_already_rated_online_is_not_rated_again(client, world, invitation, gateway):
    actions.do_rate_case(world["users"]["wangwu"], invitation.case, event="completion", level=4)
    before = written()
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 1"})
    assert response.status_code == 409 and response.json()["code"] == "already_rated"
    assert written() == before


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "not-hex"])
def test_a_request_without_the_gateway_s_signature_is_refused(client, invitation, gateway,
                                                              signature):
    before = written()
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 1"},
                    signature=signature)
    assert response.status_code == 403 and response.json()["code"] == "signature_invalid"
    assert written() == before


def test_a_request_signed_with_another_secret_is_refused(client, invitation, gateway):
    before = written()
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 1"},
                    secret="someone-else")
    assert response.status_code == 403 and response.json()["code"] == "signature_invalid"
    assert written() == before


def test_the_webhook_is_off_without_a_secret(client, invitation, settings):
    settings.SMS_INBOUND_SECRET = ""
    response = post(client, {"from": WANGWU_PHONE, "text": f"{invitation.reply_code} 5"},
                    secret="")
    assert response.status_code == 503
    assert response.json()["code"] == "sms_inbound_not_configured"
    assert not Review.objects.exists()


def test_a_malformed_body_is_refused(client, invitation, gateway):
    response = post(client, {"text": "5"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_a_refused_reply_is_explained_to_an_invited_sender_only(
        client, invitation, gateway, outbox, django_capture_on_commit_callbacks):
    count = len(sent(outbox))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, {"from": WANGWU_PHONE, "text": "123 abc"})
    assert [m["phone"] for m in sent(outbox)[count:]] == [WANGWU_PHONE]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, {"from": LISI_PHONE, "text": "123 abc"})  # never invited: no SMS back
    assert len(sent(outbox)) == count + 1


# --- the payment step (rated once the case is paid, per jingchu.payments) -------------------


def test_the_payment_step_is_reached_when_the_case_is_paid(completed_case, monkeypatch):
    pytest.importorskip("jingchu.payments.queries")
    monkeypatch.setattr("jingchu.payments.queries.case_paid", lambda case: False)
    assert not actions.event_reached(completed_case, "payment")
    monkeypatch.setattr("jingchu.payments.queries.case_paid", lambda case: True)
    assert actions.event_reached(completed_case, "payment")
