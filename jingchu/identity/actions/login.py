"""Sign-in: the password step, the TOTP second factor, lockout, login history, assurance.

A staff member (or a citizen who enrolled an authenticator) is not logged in after the password:
only the pending user's uid waits in the session until the second factor is given. Every attempt
is a LoginRecord and an AuditEvent; failures at either step count toward the same lock, so that
re-entering the password never buys more guesses at the code.

A refused attempt must still leave its record, so the public `do_*_step` functions run an atomic
inner step that *returns* the refusal, and raise it only after that transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.identifiers import IdentifierError, validate_id_number
from jingchu.core.middleware import context_from_request
from jingchu.identity import permissions
from jingchu.identity.actions.registry import find_person
from jingchu.identity.models import LoginRecord, Person, User
from jingchu.identity.services import SESSION_ACR_KEY, assurance_for, requires_second_factor

PENDING_KEY = "jingchu_pending_login"
# Long enough to open an authenticator app, short enough that an abandoned half-login dies.
PENDING_MAX_AGE = dt.timedelta(minutes=10)
TOTP_ISSUER = "Jingchu"
TOTP_INTERVAL = 30
TOTP_DIGITS = 6


class Stage(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a stage name, not a secret
    TOTP = "totp"


class Reason(StrEnum):
    OK = "ok"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    UNKNOWN_USER = "unknown_user"
    BAD_PASSWORD = "bad_password"  # noqa: S105 - a reason code
    BAD_CODE = "bad_code"
    REPLAYED_CODE = "replayed_code"
    LOCKED = "locked"
    # The failure that started a lock: for unknown usernames the lock is derived from these.
    LOCK_STARTED = "lock_started"


class NextStep(StrEnum):
    DONE = "done"
    TOTP = "totp"
    ENROL = "enrol"


# --- helpers ---------------------------------------------------------------------------------


def _lock_period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _is_locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _locked_error(until: dt.datetime) -> ActionError:
    shown = timezone.localtime(until, ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    return ActionError(
        "account_locked",
        _("Too many failed attempts: this account is locked until %(time)s (Beijing time).")
        % {"time": shown},
        {"locked_until": until.isoformat()},
        status=403,
    )


def _bad_credentials() -> ActionError:
    return ActionError("bad_credentials", _("The username or password is incorrect."))


def _record(
    request: HttpRequest, *, user: User | None, username: str, success: bool, stage: Stage,
    reason: Reason,
) -> None:
    """One LoginRecord and one AuditEvent per attempt, in the caller's transaction."""
    ctx = context_from_request(request)
    LoginRecord.objects.create(
        user=user, username_tried=username[:150], success=success, stage=stage, reason=reason,
        source_ip=ctx.source_ip, user_agent=ctx.user_agent,
    )
    outcome = "success" if success else "failure"
    # A failed attempt has no known actor: the account is its object, not its author.
    audit.record(
        f"identity.login.{stage}.{outcome}", user if success else None, user,
        {"reason": str(reason), "username": username[:150]}, actor_label=username[:150],
    )


def _count_failure(user: User, now: dt.datetime) -> bool:
    """Count one failed attempt; lock the account at the limit. True when this failure locked."""
    if user.locked_until is not None and user.locked_until <= now:
        # An expired lock starts a fresh count rather than locking again on the next slip.
        user.failed_logins, user.locked_until = 0, None
    user.failed_logins += 1
    locked = user.failed_logins >= settings.LOGIN_MAX_FAILURES
    if locked:
        user.locked_until = now + _lock_period()
    user.save(update_fields=["failed_logins", "locked_until"])
    return locked


def _phantom_lock(username: str, now: dt.datetime) -> tuple[dt.datetime | None, bool]:
    """The lock an unknown username would have, derived from its failed records.

    Answers (locked_until or None, whether this attempt starts the lock), so that an unknown
    username is refused exactly as an existing one would be and the answer reveals nothing.
    """
    tried = LoginRecord.objects.filter(
        user__isnull=True, username_tried=username[:150], success=False
    )
    last = tried.filter(reason=Reason.LOCK_STARTED).order_by("-at").first()
    if last is not None and last.at + _lock_period() > now:
        return last.at + _lock_period(), False
    failures = tried.filter(reason=Reason.UNKNOWN_USER)
    if last is not None:
        failures = failures.filter(at__gt=last.at)
    if failures.count() + 1 >= settings.LOGIN_MAX_FAILURES:
        return now + _lock_period(), True
    return None, False


def _set_pending(request: HttpRequest, user: User, next_url: str) -> None:
    # A new session key for the half-signed-in state too: no fixation before the second factor.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "uid": str(user.uid), "next": next_url, "since": timezone.now().timestamp(),
    }


def pending_login(request: HttpRequest) -> tuple[User, str] | None:
    """The user waiting for their second factor and where to go next, or None (read only)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    since = dt.datetime.fromtimestamp(float(data.get("since", 0)), tz=dt.UTC)
    if timezone.now() - since > PENDING_MAX_AGE:
        return None
    user = User.objects.filter(uid=str(data.get("uid", "")), is_active=True).first()
    return (user, str(data.get("next", ""))) if user is not None else None


def _finish_login(request: HttpRequest, user: User, *, stage: Stage, second_factor: bool) -> None:
    request.session.pop(PENDING_KEY, None)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])  # rotates the session key
    request.session[SESSION_ACR_KEY] = assurance_for(user, second_factor=second_factor)
    _record(request, user=user, username=user.username, success=True, stage=stage,
            reason=Reason.OK)


# --- the password step -----------------------------------------------------------------------


def _refuse_unknown(request: HttpRequest, username: str, now: dt.datetime) -> ActionError:
    until, started = _phantom_lock(username, now)
    if until is not None and not started:
        reason, error = Reason.LOCKED, _locked_error(until)
    elif until is not None:
        reason, error = Reason.LOCK_STARTED, _locked_error(until)
    else:
        reason, error = Reason.UNKNOWN_USER, _bad_credentials()
    _record(request, user=None, username=username, success=False, stage=Stage.PASSWORD,
            reason=reason)
    return error


def _refuse_known(request: HttpRequest, user: User, username: str, now: dt.datetime) -> ActionError:
    if _is_locked(user, now):
        reason, error = Reason.LOCKED, _locked_error(user.locked_until or now)
    elif _count_failure(user, now):
        reason, error = Reason.LOCK_STARTED, _locked_error(user.locked_until or now)
    else:
        reason, error = Reason.BAD_PASSWORD, _bad_credentials()
    _record(request, user=user, username=username, success=False, stage=Stage.PASSWORD,
            reason=reason)
    return error


@transaction.atomic
def _password_step(
    request: HttpRequest, username: str, password: str, next_url: str
) -> NextStep | ActionError:
    now = timezone.now()
    # authenticate() runs the password hasher even for unknown names: no timing difference.
    authed = authenticate(request, username=username, password=password, second_factor_aware=True)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        return _refuse_unknown(request, username, now)
    if authed is None or authed.pk != user.pk or _is_locked(user, now):
        return _refuse_known(request, user, username, now)
    if not requires_second_factor(user):
        _finish_login(request, user, stage=Stage.PASSWORD, second_factor=False)
        return NextStep.DONE
    # The failure count is kept until the second factor too: a correct password alone must not
    # reset the guesses left at the code.
    _record(request, user=user, username=username, success=True, stage=Stage.PASSWORD,
            reason=Reason.SECOND_FACTOR_REQUIRED)
    _set_pending(request, user, next_url)
    if user.has_totp:
        return NextStep.TOTP
    _ensure_totp_secret(user)
    return NextStep.ENROL


def do_password_step(
    request: HttpRequest, *, username: str, password: str, next_url: str = ""
) -> NextStep:
    """Check the password. DONE: logged in; TOTP/ENROL: the second factor is pending.

    Raises ActionError (bad_credentials, account_locked) after the attempt has been recorded.
    """
    outcome = _password_step(request, username, password, next_url)
    if isinstance(outcome, ActionError):
        raise outcome
    return outcome


# --- TOTP ------------------------------------------------------------------------------------


def totp_for(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return totp_for(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code matches, allowing one step of clock drift either way."""
    totp = totp_for(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def _check_code(user: User, code: str, now: dt.datetime) -> Reason:
    """OK, BAD_CODE or REPLAYED_CODE; on OK the step is remembered (the caller saves)."""
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        return Reason.BAD_CODE
    if step <= user.totp_last_step:
        return Reason.REPLAYED_CODE
    user.totp_last_step = step
    return Reason.OK


def _code_error(reason: Reason) -> ActionError:
    if reason == Reason.REPLAYED_CODE:
        return ActionError("totp_replayed",
                           _("This code has already been used. Wait for the next code."))
    return ActionError("totp_invalid", _("The code is not correct."))


def _ensure_totp_secret(user: User) -> str:
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        user.totp_confirmed_at = None
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        audit.record("identity.totp.secret_created", user, user)
    return user.totp_secret


def _pending_for_update(request: HttpRequest) -> tuple[User, str]:
    pending = pending_login(request)
    if pending is None:
        raise ActionError("no_pending_login",
                          _("Your sign-in has expired. Please enter your password again."))
    user = User.objects.select_for_update().get(pk=pending[0].pk)
    return user, pending[1]


@transaction.atomic
def _totp_step(request: HttpRequest, code: str) -> str | ActionError:
    user, next_url = _pending_for_update(request)
    now = timezone.now()
    if _is_locked(user, now):
        request.session.pop(PENDING_KEY, None)
        _record(request, user=user, username=user.username, success=False, stage=Stage.TOTP,
                reason=Reason.LOCKED)
        return _locked_error(user.locked_until or now)
    if not user.totp_secret:
        return ActionError("totp_not_started", _("No authenticator is being set up."))
    reason = _check_code(user, code, now)
    if reason != Reason.OK:
        locked = _count_failure(user, now)
        _record(request, user=user, username=user.username, success=False, stage=Stage.TOTP,
                reason=Reason.LOCK_STARTED if locked else reason)
        if locked:
            request.session.pop(PENDING_KEY, None)
            return _locked_error(user.locked_until or now)
        return _code_error(reason)
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = now
        audit.record("identity.totp.enrol", user, user, {"during": "login"})
    user.save(update_fields=["totp_last_step", "totp_confirmed_at"])
    _finish_login(request, user, stage=Stage.TOTP, second_factor=True)
    return next_url


def do_totp_step(request: HttpRequest, *, code: str) -> str:
    """Check the pending user's code (confirming a new enrolment); log them in.

    Answers the `next` URL given at the password step. Raises ActionError (totp_invalid,
    totp_replayed, account_locked, no_pending_login) after recording the attempt.
    """
    outcome = _totp_step(request, code)
    if isinstance(outcome, ActionError):
        raise outcome
    return outcome


# --- TOTP from "My account" (citizens) -------------------------------------------------------


def _require_own_totp(actor: Any) -> User:
    if not permissions.can_manage_own_totp(actor):
        raise NotPermitted(_("Staff accounts must keep their authenticator."))
    return User.objects.select_for_update().get(pk=actor.pk)


@transaction.atomic
def do_begin_totp_enrolment(actor: Any) -> str:
    """Create (or reuse) the unconfirmed secret of the actor's own account; answer it."""
    user = _require_own_totp(actor)
    if user.has_totp:
        raise ActionError("totp_already_enrolled", _("An authenticator is already set up."))
    return _ensure_totp_secret(user)


@transaction.atomic
def do_confirm_totp_enrolment(actor: Any, *, code: str) -> User:
    user = _require_own_totp(actor)
    if user.has_totp:
        raise ActionError("totp_already_enrolled", _("An authenticator is already set up."))
    if not user.totp_secret:
        raise ActionError("totp_not_started", _("No authenticator is being set up."))
    reason = _check_code(user, code, timezone.now())
    if reason != Reason.OK:
        raise _code_error(reason)
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_last_step", "totp_confirmed_at"])
    audit.record("identity.totp.enrol", actor, user, {"during": "account"})
    return user


@transaction.atomic
def do_disable_totp(actor: Any, *, code: str) -> User:
    """A citizen turns the second factor off, proving with a current code that it is theirs."""
    user = _require_own_totp(actor)
    if not user.has_totp:
        raise ActionError("totp_not_enrolled", _("No authenticator is set up."))
    reason = _check_code(user, code, timezone.now())
    if reason != Reason.OK:
        raise _code_error(reason)
    # totp_last_step is kept: steps only grow with time, so it still guards any later secret.
    user.totp_secret, user.totp_confirmed_at = "", None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    audit.record("identity.totp.disable", actor, user)
    return user


# --- verification in person (window clerk) ---------------------------------------------------


@transaction.atomic
def do_look_up_person(actor: Any, *, id_number: str, purpose: str) -> Person:
    """A clerk finds a person by ID number; the read of their data is audited."""
    if not permissions.can_verify_in_person(actor):
        raise NotPermitted(_("Only a window clerk may look people up here."))
    try:
        number = validate_id_number(id_number.strip().upper())
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": "id_number"}) from None
    person = find_person(number)
    if person is None:
        raise NotFound(_("No person with this ID number is registered."))
    audit.record("identity.person.look_up", actor, person, {"purpose": purpose})
    return person


@transaction.atomic
def do_verify_in_person(actor: Any, *, person: Person) -> Person:
    """Record that a window clerk checked the person's ID card face to face (认证等级 3)."""
    staff = getattr(actor, "staff", None)
    if not permissions.can_verify_in_person(actor) or staff is None:
        raise NotPermitted(_("Only a window clerk may verify a person in person."))
    if person.user_id is not None and person.user_id == actor.pk:
        raise NotPermitted(_("Nobody may verify themselves."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.verified_in_person_at = timezone.now()
    person.verified_in_person_by = staff
    person.save(update_fields=["verified_in_person_at", "verified_in_person_by"])
    audit.record("identity.person.verify_in_person", actor, person,
                 {"staff": str(staff.uid)})
    return person
