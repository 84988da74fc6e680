"""Static file URLs carry a hash of the file's content, so they can be cached for ever and change when the file does."""

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@cache
def _digest(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        raise FileNotFoundError(f"static file {path!r} does not exist")
    return hashlib.sha256(file.read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    return f"/static/{path}?v={_digest(path)}"
