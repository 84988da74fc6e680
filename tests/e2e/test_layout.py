"""Content on the first screen, nothing wider than a phone, and charts a phone can read, in the system Chromium.

Every page the app serves is visited (the route list comes from the app itself, so a new page is covered), signed
in as the role that sees it, with its ids taken from the demo."""

import re
import sqlite3
from contextlib import closing

import pytest

from tests.e2e.conftest import axe_violations, sign_in
from tests.integration.test_route_matrix import app_routes

HEADING_WITHIN = 250  # px from the top of the page to the page's h1, on a phone and on a tablet
NOT_PAGES = (".json", ".csv", ".docx", ".pdf", ".svg", ".xlsx", ".js", ".webmanifest")
NOT_PAGE_PATHS = {"/", "/healthz", "/readyz", "/login/two-factor", "/account/two-factor"}
# Where the page's heading starts: its h1, or the GOV.UK caption just above it that belongs to it.
HEADING_TOP = """(() => {
    const h1 = document.querySelector('main h1');
    if (!h1) return null;
    const caption = h1.previousElementSibling?.matches('[class*="govuk-caption"]') ? h1.previousElementSibling : h1;
    return Math.round(caption.getBoundingClientRect().top + window.scrollY);
})()"""
WHO = {"lead": ("lead@example.org", "demo-lead-password"), "admin": ("admin@example.org", "demo-admin-password"),
       "officer": ("officer@example.org", "demo-officer-password")}


def demo_ids(demo_database) -> dict[str, object]:
    """The first of each thing in the demo, to fill the routes' paths."""
    with closing(sqlite3.connect(demo_database)) as db:
        def first(sql):
            row = db.execute(sql).fetchone()
            return row[0] if row else None

        inspection_id = first("SELECT id FROM inspections ORDER BY id")
        where = f"WHERE inspection_id = {int(inspection_id)} ORDER BY id"
        return {"inspection_id": inspection_id,
                "activity_id": first(f"SELECT id FROM activities {where}"),
                "review_id": first(f"SELECT id FROM file_reviews {where}"),
                "setting_id": first(f"SELECT id FROM settings {where}"),
                "item_id": first(f"SELECT id FROM evidence_items {where}"),
                "claim_id": first(f"SELECT id FROM sef_claims {where}"),
                "concern_id": first(f"SELECT id FROM safeguarding_concerns {where}"),
                "token": first(f"SELECT token FROM survey_links {where}"),
                "user_id": first("SELECT id FROM users WHERE email = 'cqc@example.org'")}


def role_for(path: str) -> str:
    if path.startswith("/admin"):
        return "admin"
    if path.startswith("/portal"):
        return "officer"
    if path.startswith(("/s/", "/login", "/offline", "/invitations")):
        return "anonymous"
    return "lead"


def pages(demo_database) -> dict[str, list[str]]:
    """Every HTML page by the role that sees it. A path whose id the demo has none of is left out, by name."""
    ids = demo_ids(demo_database)
    by_role: dict[str, list[str]] = {}
    for method, path in sorted(app_routes()):
        if method != "GET" or path.startswith("/api") or path.endswith(NOT_PAGES) or path in NOT_PAGE_PATHS:
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(ids.get(name) is None for name in names):
            continue  # invitation tokens are stored hashed; document versions are downloads
        by_role.setdefault(role_for(path), []).append(path.format(**ids))
    return by_role


def visit(page, base_url: str, role: str) -> None:
    """Sign in as the role (the officer lands on the portal, not the inspections list sign_in waits for)."""
    if role in ("lead", "admin"):
        sign_in(page, base_url, *WHO[role])
    elif role == "officer":
        sign_in_officer(page, base_url)


def sign_in_officer(page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(WHO["officer"][0])
    page.get_by_label("Password", exact=True).fill(WHO["officer"][1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/portal"))


def test_the_demo_has_every_kind_of_page(demo_database):
    found = pages(demo_database)
    inspection = [p for p in found["lead"] if p.startswith("/inspections/")]
    assert len(inspection) >= 30, inspection  # the survey, claims, letter, board, each record's page...
    assert found["admin"] and found["officer"] and any(p.startswith("/s/") for p in found["anonymous"])


@pytest.mark.parametrize(("width", "height"), [(375, 812), (768, 1024)])
def test_every_inspection_page_starts_its_heading_on_the_first_screen(page_at, live_server, demo_database,
                                                                      width, height):
    page = page_at(width, height)
    visit(page, live_server, "lead")
    tops = {}
    for path in pages(demo_database)["lead"]:
        if not path.startswith("/inspections/"):
            continue
        response = page.goto(f"{live_server}{path}")
        if "text/html" in response.headers.get("content-type", ""):
            page.locator("#sync-status").wait_for()  # drawn by the script: measured with it there
            tops[path] = page.evaluate(HEADING_TOP)
    print(f"\nh1 top at {width}x{height}: " + ", ".join(f"{p.split('/', 3)[-1] or '.'} {t}" for p, t in tops.items()))
    assert {p: t for p, t in tops.items() if t is None or t > HEADING_WITHIN} == {}
    assert page.errors == []


@pytest.mark.parametrize("role", ["lead", "admin", "officer", "anonymous"])
def test_no_page_scrolls_sideways_on_a_phone(page_at, live_server, demo_database, role):
    """At 320 and 375 px, in one sign-in (an administrator's code cannot be used twice)."""
    page = page_at(375, 740)
    visit(page, live_server, role)
    wider = {}
    for width in (320, 375):
        page.set_viewport_size({"width": width, "height": 740})
        for path in pages(demo_database)[role]:
            page.goto(f"{live_server}{path}")
            status = page.locator("#sync-status")
            if status.count():  # drawn by the script after the page loads: measured with it there
                status.wait_for()
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                wider[f"{path} at {width}"] = scroll_width
    assert wider == {}


def test_survey_charts_are_legible_on_a_phone(page_at, live_server, demo_database):
    """Chart text at least 12 px as drawn at 375 px (the SVG scales down with the screen)."""
    page = page_at(375, 812)
    visit(page, live_server, "lead")
    page.goto(f"{live_server}/inspections/{demo_ids(demo_database)['inspection_id']}/survey")
    sizes = page.evaluate("""[...document.querySelectorAll('.app-chart svg text')].map(text => {
        const svg = text.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(text).fontSize) * scale; })""")
    assert sizes, "the demo's survey results draw no chart"
    assert min(sizes) >= 12, f"smallest chart text {min(sizes):.1f} px"


def test_the_compact_header_on_a_phone_shows_where_you_are_and_passes_axe(page_at, live_server, demo_database):
    """The sections row scrolls within itself: the current section is in view; the actions keep their names."""
    page = page_at(375, 812)
    visit(page, live_server, "lead")
    inspection = f"{live_server}/inspections/{demo_ids(demo_database)['inspection_id']}"
    for path, section in [("", "Overview"), ("/claims", "Claims"), ("/survey", "Survey"),
                          ("/letter/versions", "Letter"), ("/concerns", "Safeguarding")]:
        page.goto(inspection + path)
        page.locator("#sync-status").wait_for()
        current = page.locator(".app-subnav [aria-current=page]")
        assert current.inner_text() == section
        box, row = current.bounding_box(), page.locator(".app-subnav__list").bounding_box()
        assert row["x"] - 1 <= box["x"] and box["x"] + box["width"] <= row["x"] + row["width"] + 1, section
        for action in ("Capture evidence", "Safeguarding concern"):
            assert page.get_by_role("button", name=action, exact=True).is_visible()
        assert axe_violations(page) == [], path
    assert page.errors == []


def test_comparing_letter_versions_fits_a_phone(page_at, live_server, demo_database):
    """The demo has no letter versions until the letter is edited: edit it, then compare, at 375 and 320 px."""
    page = page_at(375, 812)
    visit(page, live_server, "lead")
    inspection = f"{live_server}/inspections/{demo_ids(demo_database)['inspection_id']}"
    page.goto(f"{inspection}/letter")
    page.get_by_role("button", name="Start editing this draft").click()
    page.locator("#text-main_findings").wait_for()  # the editing page, not the one the click left
    page.wait_for_load_state()  # and loaded: htmx starts its autosave then, and the field is there before
    page.locator("#text-main_findings").fill("- Fictional: a finding long enough to wrap on a phone, with "
                                             "https://example.org/a/very/long/address/that/has/no/spaces/at/all")
    page.locator("#saved-main_findings", has_text="Saved").wait_for()
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 812})
        page.goto(f"{inspection}/letter/versions?number=1")
        assert page.locator(".app-diff").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
