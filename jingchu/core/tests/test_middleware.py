import pytest
from django.test import RequestFactory

from jingchu.core.middleware import context_from_request


@pytest.mark.parametrize(("behind_proxy", "expected"), [(False, "10.0.0.9"), (True, "1.2.3.4")])
def test_x_real_ip_is_trusted_only_behind_a_proxy(settings, behind_proxy, expected):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", HTTP_X_REAL_IP="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert context_from_request(request).source_ip == expected
