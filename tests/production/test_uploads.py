"""A slow upload on a real server (uvicorn, SQLite) must not hold the database while it arrives: another user's
page is answered meanwhile, not after SQLite's 30-second lock timeout (as it was before the fix)."""

import re
import socket
import time

import httpx

from tests.conftest import copy_of
from tests.servers import AppServer


def signed_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    return client


def test_other_pages_are_answered_while_an_upload_is_still_arriving(tmp_path, demo_database):
    server = AppServer(tmp_path, database_url=copy_of(demo_database, tmp_path / "live.db"))  # the demo
    try:
        officer = signed_in(server.url, "officer@example.org", "demo-officer-password")
        portal = officer.get("/portal", follow_redirects=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', portal.text).group(1)
        boundary = "slowuploadboundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"requested\"\r\n\r\nstrategy\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.pdf\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()
        rest = b"% fictional padding\n" * 50 + f"\r\n--{boundary}--\r\n".encode()
        cookies = "; ".join(f"{name}={value}" for name, value in officer.cookies.items())
        # A browser on a slow connection: the headers and the first part of the body, then a pause.
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as upload:
            upload.sendall(f"POST {portal.url.path}/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
                           f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                           f"Content-Length: {len(head) + len(rest)}\r\n\r\n".encode() + head)
            time.sleep(1)
            lead = signed_in(server.url, "lead@example.org", "demo-lead-password")
            started = time.monotonic()
            page = lead.get("/inspections", timeout=40)
            waited = time.monotonic() - started
            upload.sendall(rest)
            answer = upload.recv(200)
        assert page.status_code == 200, f"answered {page.status_code} after {waited:.1f} s"
        assert waited < 5, f"the page waited {waited:.1f} s for the upload"
        assert answer.startswith(b"HTTP/1.1 303")
        assert "slow.pdf" in officer.get(portal.url.path).text
    finally:
        server.stop()
