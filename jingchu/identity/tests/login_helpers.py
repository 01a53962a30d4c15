"""Builders and steps shared by the login, TOTP, account and browser tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pyotp
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jingchu.core.identifiers import make_id_number
from jingchu.core.models import Organization
from jingchu.identity import actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import Person, Staff, User

PASSWORD = "Huanghelou-2026!"
_serial = itertools.count(1)


def new_id_number() -> str:
    n = next(_serial)
    return make_id_number("420102", dt.date(1985, 1, 1) + dt.timedelta(days=53 * n), n, True)


def citizen(username: str = "", name: str = "黄鹤", phone: str = "13871230000") -> Person:
    username = username or f"citizen{next(_serial)}"
    return actions.do_register_person(
        None, name=name, id_number=new_id_number(), phone=phone, username=username,
        password=PASSWORD,
    )


def user_of(person: Person) -> User:
    assert person.user is not None
    return person.user


def staff(username: str = "", role: str = "", org: Organization | None = None) -> Staff:
    username = username or f"staff{next(_serial)}"
    member = actions.do_create_staff(None, username=username, password=PASSWORD, name="龟山")
    if role and org is not None:
        actions.do_assign_role(None, staff=member, organization=org, role=role)
    return member


def with_totp(user: User) -> pyotp.TOTP:
    """Give the user a confirmed authenticator directly (the enrolment itself is tested apart)."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.save()
    return pyotp.TOTP(secret)


def wrong_code(totp: pyotp.TOTP) -> str:
    """A code that matches none of the steps the server accepts right now."""
    now = timezone.now()
    valid = {totp.at(now + dt.timedelta(seconds=s)) for s in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{i:06d}" for i in range(1000)) if c not in valid)


def english_client() -> Client:
    # Messages are asserted in English; zh-hans is the default unless the user chose English.
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post_login(
    client: Client, username: str, password: str = PASSWORD, next: str = "", **headers: Any
) -> Any:
    data = {"username": username, "password": password, "next": next}
    return client.post("/account/login/", data, **headers)


def logged_in_user_id(client: Client) -> Any:
    return client.session.get("_auth_user_id")


ROLES = StaffRole
