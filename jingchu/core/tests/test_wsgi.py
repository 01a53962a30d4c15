"""The buffered WSGI application of the API's and the gateway's processes (core.wsgi)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from jingchu.core.wsgi import buffered

# close() ends the request (request_finished), which looks at the database connections.
pytestmark = pytest.mark.django_db


def _start_response(seen: list[Any]) -> Any:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen.append((status, headers))
    return start


def test_a_buffered_answer_is_its_bytes_in_a_list_after_close():
    closed: list[bool] = []
    response = HttpResponse(b'{"ok": true}', content_type="application/json")
    response._resource_closers.append(lambda: closed.append(True))  # type: ignore[attr-defined]
    app = buffered(lambda environ, start_response: response)  # type: ignore[arg-type]
    assert app({}, _start_response([])) == [b'{"ok": true}']
    assert closed == [True]  # closed before the server writes, not left open


def test_a_streaming_answer_is_left_to_the_server():
    response = StreamingHttpResponse(iter([b"a", b"b"]))
    app = buffered(lambda environ, start_response: response)  # type: ignore[arg-type]
    answer = app({}, _start_response([]))
    assert answer is response and b"".join(answer) == b"ab"
