"""The installable app: manifest, a root-scoped service worker that precaches the versioned shell, the offline page."""

import json
import re

from tests.integration.conftest import sign_in, soup


def test_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "SEND Fieldwork", "/inspections", "standalone")
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_precaches_the_shell_at_hashed_urls_and_never_caches_itself(client):
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cache-control"] == "no-cache"
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", response.text).group(1))
    assert "/offline" in shell
    assert any(url.startswith("/static/js/outbox.js?v=") for url in shell)
    for url in shell:
        assert client.get(url).status_code == 200, url
    version = re.search(r'const SHELL_CACHE = "sendfw-shell-([0-9a-f]{12})"', response.text).group(1)
    assert version and "request.method !== \"GET\"" in response.text  # it never touches POSTs


def test_pages_link_the_manifest_and_signed_in_pages_load_the_outbox(client, db, make_user):
    page = soup(client.get("/login"))
    assert page.select_one("link[rel=manifest]")["href"] == "/manifest.webmanifest"
    assert not page.select("script[src*=outbox]")
    user = make_user(email="ada@example.org")
    sign_in(client, db, user)
    signed_in = soup(client.get("/inspections"))
    assert signed_in.select_one("script[src*='js/outbox.js']") is not None
    assert signed_in.select_one("meta[name=sync-user]")["content"] == "ada@example.org"
    assert signed_in.select_one("#sync-status") is not None


def test_offline_page(client):
    page = soup(client.get("/offline"))
    assert page.h1.get_text() == "You are offline"


def test_offline_pages_include_the_show_all_page_of_each_aspect_the_board_shows_in_part(client, db, make_user,
                                                                                       make_inspection):
    from urllib.parse import urlsplit

    from app.audit.service import Actor
    from app.evidence import service as evidence

    lead = make_user()
    inspection = make_inspection(lead)
    shown = evidence.ITEMS_PER_ASPECT
    for aspect, count in (("timeliness", shown + 1), ("parents_involved", shown)):
        for n in range(count):
            evidence.capture(session=db, actor=Actor(lead.id, lead.email), inspection=inspection,
                             form=evidence.EvidenceForm(text=f"Fictional note {n}.", heading="1", aspect=aspect,
                                                        judgement="strength", strands=["education"]))
    sign_in(client, db, lead)
    base = f"/inspections/{inspection.id}"
    pages = client.get(f"{base}/offline-pages").json()["pages"]
    assert [page for page in pages if "aspect=" in page] == [f"{base}/board?heading=1&aspect=timeliness"]
    # Saved under the very address the board's link opens, where the service worker will look for it offline.
    links = soup(client.get(f"{base}/board?heading=1")).select("a[data-show-all]")
    assert [urlsplit(a["href"]).path + "?" + urlsplit(a["href"]).query for a in links] == [
        f"{base}/board?heading=1&aspect=timeliness"]
