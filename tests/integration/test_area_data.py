"""Area data: the template, every validation rule with its row and column, nothing saved on any error, and the
area's figure shown beside the case-file sample's own."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from app.audit.service import Actor
from app.fieldwork import service as fieldwork
from app.portal import content
from app.portal.models import AreaDocument, AreaDocumentVersion, AreaIndicatorValue
from tests.integration.conftest import PDF_BYTES, csrf_of, error_summary, sign_in, soup


@pytest.fixture
def officer_client(client, db, make_user, make_inspection, make_officer):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, make_officer(inspection))
    return client, inspection, lead


def send(client, inspection, content: bytes, filename: str = "area-data.csv"):
    return client.post(f"/portal/{inspection.id}/area-data",
                       data={"csrf_token": csrf_of(client, f"/portal/{inspection.id}/area-data")},
                       files={"file": (filename, content, "text/csv")})


def figures(db) -> dict[str, tuple[float, str]]:
    return {v.code: (v.value, v.period) for v in db.exec(select(AreaIndicatorValue)).all()}


def test_the_templates_list_every_indicator(officer_client):
    client, inspection, _ = officer_client
    codes = list(content.indicators())
    rows = list(csv.reader(io.StringIO(client.get(f"/portal/{inspection.id}/area-data/template.csv").text)))
    assert rows[0] == ["code", "indicator", "value", "period"]
    assert [r[0] for r in rows[1:]] == codes
    book = load_workbook(io.BytesIO(client.get(f"/portal/{inspection.id}/area-data/template.xlsx").content))
    sheet = book["Key indicators"]
    assert [c.value for c in sheet[1]] == ["code", "indicator", "value", "period"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == codes


def test_a_filled_in_csv_is_saved_and_shown(client, db, storage, officer_client):
    client, inspection, _ = officer_client
    body = (b"code,indicator,value,period\r\n"
            b"EHC_REQUESTS,Requests,\"1,204\",2025 to 2026\r\n"
            b"EHC_20_WEEKS_PCT,Within 20 weeks,61.5%,2025\r\n"
            b"CAMHS_WAIT_WEEKS,Waits,18,\r\n"
            b"TRIBUNAL_APPEALS,Appeals,,\r\n"  # no figure: left out, not an error
            b",,,\r\n")
    done = send(client, inspection, body)
    assert done.status_code == 303
    assert figures(db) == {"EHC_REQUESTS": (1204.0, "2025 to 2026"), "EHC_20_WEEKS_PCT": (61.5, "2025"),
                           "CAMHS_WAIT_WEEKS": (18.0, "")}
    page = soup(client.get(done.headers["location"]))
    assert "Your area data has been saved: 3 figures" in page.get_text()
    cells = [[td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("table tbody tr")]
    assert ["Requests for an EHC needs assessment in the last 12 months", "1,204", "2025 to 2026"] in cells
    assert ["New EHC plans issued within 20 weeks (excluding exceptions)", "61.5%", "2025"] in cells
    assert len(storage.keys()) == 1  # the file itself is kept, as a version of the area data


def test_every_problem_is_shown_with_its_row_and_column_and_nothing_is_saved(client, db, storage, officer_client):
    client, inspection, _ = officer_client
    body = (b"code,indicator,value,period\n"
            b"EHC_REQUESTS,Requests,lots,\n"          # row 2: not a number
            b"EHC_20_WEEKS_PCT,Within 20 weeks,104,\n"  # row 3: percentage over 100
            b"MADE_UP,Something,5,\n"                   # row 4: unknown code
            b"EHC_PLANS_ISSUED,Plans,12.5,\n"           # row 5: a count must be whole
            b"CAMHS_WAIT_WEEKS,Waits,-3,\n"             # row 6: negative
            b"EHC_REQUESTS,Requests again,10,\n"        # row 7: given twice
            b",,7,\n"                                   # row 8: a figure with no code
            b"MEDIATION_CASES,Mediation,31,\n")  # row 9: fine, but nothing is saved
    page = send(client, inspection, body)
    assert page.status_code == 422
    assert error_summary(page) == [("The file has 7 problems: nothing was saved. Row 2, column C (value): Enter a "
                                    "number, like 412 (not ‘lots’)")]
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup(page).select("#problems tbody tr")]
    assert rows == [
        ["2", "C (value)", "Enter a number, like 412 (not ‘lots’)"],
        ["3", "C (value)", "Enter a percentage from 0 to 100"],
        ["4", "A (code)", "‘MADE_UP’ is not an indicator code of the template"],
        ["5", "C (value)", "Enter a whole number"],
        ["6", "C (value)", "Enter a number of 0 or more"],
        ["7", "A (code)", "EHC_REQUESTS is also in row 2: give each indicator once"],
        ["8", "A (code)", "Enter the indicator code for this figure"],
    ]
    assert figures(db) == {}
    assert db.exec(select(AreaDocument)).first() is None and storage.keys() == []


@pytest.mark.parametrize(("body", "message"), [
    (b"indicator,figure\nEHC_REQUESTS,4\n", ("Row 1, column A: The first row must be the column headings of the "
                                             "template, including code and value")),
    (b"code,value\nEHC_REQUESTS,\n", ("Row 2, column B (value): The file has no figures: fill in the value column "
                                      "for at least one indicator")),
])
def test_a_file_that_is_not_the_template_is_refused(client, db, officer_client, body, message):
    client, inspection, _ = officer_client
    page = send(client, inspection, body)
    assert page.status_code == 422
    assert error_summary(page) == [f"The file has 1 problem: nothing was saved. {message}"]
    assert figures(db) == {}


def test_area_data_must_be_csv_or_xlsx(client, db, storage, officer_client):
    client, inspection, _ = officer_client
    page = send(client, inspection, PDF_BYTES, "area-data.pdf")
    assert error_summary(page) == ["The selected file must be a CSV or Excel (XLSX) file (this one is PDF)"]
    assert storage.keys() == []


def test_an_xlsx_is_read_with_percentages_as_excel_stores_them_and_a_new_upload_replaces_the_figures(
        client, db, storage, officer_client):
    client, inspection, _ = officer_client
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Indicator", "Value", "Period"])
    sheet.append(["ehc_20_weeks_pct", "Within 20 weeks", 0.615, "2025"])
    sheet["C2"].number_format = "0.0%"  # shown as 61.5% in Excel, stored as 0.615
    sheet.append(["EHC_REQUESTS", "Requests", 1204, "2025"])
    out = io.BytesIO()
    book.save(out)
    sent = send(client, inspection, out.getvalue(), "figures.xlsx")
    assert sent.status_code == 303, error_summary(sent)
    assert figures(db) == {"EHC_20_WEEKS_PCT": (61.5, "2025"), "EHC_REQUESTS": (1204.0, "2025")}
    assert send(client, inspection, b"code,value\nMEDIATION_CASES,31\n").status_code == 303
    assert figures(db) == {"MEDIATION_CASES": (31.0, "")}
    versions = db.exec(select(AreaDocumentVersion).order_by(AreaDocumentVersion.number)).all()
    assert [(v.number, v.file_type) for v in versions] == [(1, "xlsx"), (2, "csv")]
    assert len(storage.keys()) == 2


def test_inspectors_see_the_areas_figure_beside_the_case_file_samples(client, make_client, db, officer_client,
                                                                       make_user):
    officer, inspection, lead = officer_client
    send(officer, inspection, b"code,value,period\nEHC_20_WEEKS_PCT,92,2025\nEHCP_PERSISTENT_ABSENCE_PCT,20,2025\n"
                              b"SALT_WAIT_WEEKS,14,2025\n")
    actor = Actor(lead.id, lead.email)
    # Three sampled plans: two issued within 20 weeks (140 days), one after 30 weeks; two attendance figures.
    for n, (requested, issued, attendance) in enumerate([("2026-01-05", "2026-05-01", "95"),
                                                         ("2026-01-05", "2026-05-20", "85"),
                                                         ("2026-01-05", "2026-08-05", "")]):
        fieldwork.create_file_review(session=db, actor=actor, inspection=inspection, form=fieldwork.FileReviewForm(
            case_reference=f"P2-0{n}", age_band="5-10", setting_type="mainstream_school", sen_status="plan_in_place",
            primary_need="SLCN", assessment_requested_on=requested, plan_issued_on=issued,
            attendance_percent=attendance))
    db.flush()
    team = sign_in(make_client(), db, lead)
    page = soup(team.get(f"/inspections/{inspection.id}/area/data"))
    rows = {tr.select_one("th").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in page.select(".app-area-data tbody tr")}
    assert rows["New EHC plans issued within 20 weeks (excluding exceptions)"] == ["92%", "2025", "66.7% of 3 files"]
    assert rows["Persistent absence (below 90% attendance) of pupils with an EHC plan"] == [
        "20%", "2025", "50% of 2 files"]
    assert rows["Speech and language therapy: average wait from referral to first appointment"] == [
        "14 weeks", "2025", ""]
    assert rows["Mediation cases held in the last 12 months"] == ["not given", "", ""]
    assert rows["Persistent absence (below 90% attendance) of pupils on SEN support"][2] == \
        "no sampled files record this yet"


def test_blank_rows_do_not_count_and_percent_formatted_whole_numbers_stay_whole(client, db, officer_client):
    client, inspection, _ = officer_client
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "indicator", "value", "period"])
    sheet.append(["EHC_PLANS_ISSUED", "Plans", 0.07, ""])
    sheet["C2"].number_format = "0%"  # 7%, stored as 0.07: 0.07 * 100 is not exactly 7
    sheet["C900"].number_format = "0%"  # formatting far down makes the sheet "long" with nothing in it
    out = io.BytesIO()
    book.save(out)
    sent = send(client, inspection, out.getvalue(), "figures.xlsx")
    assert sent.status_code == 303, error_summary(sent)
    assert figures(db) == {"EHC_PLANS_ISSUED": (7.0, "")}
    body = b"code,value\n" + b",\n" * 800 + b"MEDIATION_CASES,bad\n"
    page = send(client, inspection, body)
    assert error_summary(page) == [("The file has 1 problem: nothing was saved. Row 802, column B (value): Enter a "
                                    "number, like 412 (not ‘bad’)")]


def test_cells_pass_the_boundary_for_text(client, db, officer_client):
    """A cell's text is kept in NFC, so the same words typed elsewhere compare equal; a CSV holding control
    characters is not taken for text at all (an XLSX cannot hold them: XML forbids them)."""
    client, inspection, _ = officer_client
    body = "code,indicator,value,period\r\nEHC_REQUESTS,Requests,12,Spring term cafe\u0301\r\n".encode()
    assert send(client, inspection, body).status_code == 303
    assert figures(db) == {"EHC_REQUESTS": (12.0, "Spring term caf\u00e9")}
    controls = b"code,indicator,value,period\r\nEHC_REQUESTS,Requests,12,\x01Spring\x1b\r\n"
    refused = send(client, inspection, controls)
    assert refused.status_code == 422
    assert error_summary(refused) == ["The selected file must be a CSV or Excel (XLSX) file"]
    assert figures(db) == {"EHC_REQUESTS": (12.0, "Spring term caf\u00e9")}
