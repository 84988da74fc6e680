"""The access log as a person reads it in a terminal (LOG_FORMAT=text): each line says what was asked and how it
went."""

import logging
import re

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app import logs


def _hello(request):
    return PlainTextResponse("hello", status_code=201)


def _log_lines(capsys, fmt: str) -> list[str]:
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("uvicorn.access").disabled)
    try:
        logs.configure("INFO", fmt)
        app = logs.RequestLogMiddleware(Starlette(routes=[Route("/hello", _hello)]))
        with TestClient(app) as client:
            client.get("/hello?q=secret")
        return [line for line in capsys.readouterr().out.splitlines() if "sendfw.access" in line]
    finally:
        root.handlers, root.level = before[0], before[1]
        logging.getLogger("uvicorn.access").disabled = before[2]


def test_the_text_access_log_gives_method_path_status_and_time(capsys):
    [line] = _log_lines(capsys, "text")
    assert re.search(r"sendfw\.access: request GET /hello 201 \d+(\.\d+)? ms$", line), line
    assert "secret" not in line  # never the query, which may hold searched text


def test_the_json_access_log_is_unchanged(capsys):
    [line] = _log_lines(capsys, "json")
    assert '"method": "GET"' in line and '"path": "/hello"' in line and '"status": 201' in line
