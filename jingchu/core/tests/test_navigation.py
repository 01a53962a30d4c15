import pytest

from jingchu.core.navigation import menu
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db


def labels(user):
    return {url for _label, url in menu(user)}


def test_menu_shows_only_what_the_user_may_use(demo_world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = labels(AnonymousUser())
    assert "/services/" in anonymous
    assert "/core/audit/" not in anonymous
    assert "/core/audit/" in labels(User.objects.get(username="auditor"))
    citizen = labels(User.objects.get(username="zhangsan"))
    assert "/account/acting-as/" in citizen
    assert "/core/audit/" not in citizen and "/account/clients/" not in citizen
    assert "/account/verify-in-person/" in labels(User.objects.get(username="clerk_wuhan"))


def test_menu_is_rendered_on_pages(client, demo_world):
    client.force_login(User.objects.get(username="auditor"))
    assert 'href="/core/audit/"' in client.get("/").content.decode()
