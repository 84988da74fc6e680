"""How long the area's person-level list takes to read, check and store, for a small area, a large county (20,000
children with SEND) and the most the upload takes (50,000): the spreadsheet read within its limits, the check (every
column's heading, the personal-data guard over the text columns, every cell), and the import into a fresh SQLite
database (the old list deleted, the new one inserted in one statement). Fictional lists: identifiers DL-000001 on,
with two columns the inspection does not keep (left out, but read by the guard).

Figures are this process's processor time, the median of 3 runs (best and worst beside it).

    .venv/bin/python bench/person_level.py [--record]
"""

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, machine_heading, record

sys.path.insert(0, str(ROOT))
from openpyxl import Workbook
from sqlmodel import Session, select

from app import models  # every table, and PersonLevelChild to count
from app.audit.service import Actor
from app.casetracking import service
from app.db import make_engine
from app.flows import setup
from app.frameworks.case_tracking import case_tracking_of
from app.frameworks.service import get_profile
from app.inspections import service as inspections
from app.migrate import upgrade
from app.portal import person_level, spreadsheets
from app.users.models import User

HEADINGS = ["Child ID", "Age", "Primary need", "SEN status", "Setting", "Out of area", "Alternative provision",
            "Social care", "Ethnicity", "School"]
NEEDS = ["ASD", "SEMH", "SLCN", "MLD", "PD", "SpLD"]
RUNS = 3


def rows(count: int) -> list[list[object]]:
    return [HEADINGS, *([f"DL-{n:06d}", n % 26, NEEDS[n % 6], "E" if n % 3 == 0 else "K",
                         "Special school" if n % 5 == 0 else "Mainstream school", "no", "no",
                         "yes" if n % 9 == 0 else "no", "WBRI", "Oakfield Academy (fictional)"]
                        for n in range(1, count + 1))]


def write(count: int, folder: Path) -> dict[str, Path]:
    csv_path = folder / f"list-{count}.csv"
    csv_path.write_text("\n".join(",".join(str(v) for v in row) for row in rows(count)) + "\n")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows(count):
        sheet.append(row)
    xlsx_path = folder / f"list-{count}.xlsx"
    out = io.BytesIO()
    book.save(out)
    xlsx_path.write_bytes(out.getvalue())
    return {"csv": csv_path, "xlsx": xlsx_path}


def timed(work) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def main() -> None:
    spec = case_tracking_of(get_profile("send-2023")).person_level
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        lead = User(email="bench-lead@example.org", name="Bench Lead (fictional)", role="inspector",
                    inspector_kind="hmi", password_hash="x")
        session.add(lead)
        session.flush()
        inspection = setup.set_up_inspection(session=session, actor=Actor.system("bench"), creator=lead,
                                             form=inspections.InspectionForm(local_area="Bench (fictional)",
                                                                             la_code="997", framework="send-2023",
                                                                             notification_date="2027-02-22"))
        session.commit()
        inspection_id = inspection.id
    lines = ["| children | file | size | read | check | import into SQLite (read + check + store) |",
             "|---:|---|---:|---:|---:|---:|"]
    for count in (1_000, 20_000, 50_000):
        files = write(count, folder)
        for kind, path in files.items():
            read = spreadsheets.rows_of_xlsx if kind == "xlsx" else spreadsheets.rows_of_csv
            reads, checks, imports = [], [], []
            for _ in range(RUNS):
                spent, numbered = timed(lambda read=read, path=path: person_level._numbered(
                    read(path, person_level.LIMITS)))
                reads.append(spent)
                checks.append(timed(lambda numbered=numbered: service.check_list(spec, numbered))[0])
                with Session(engine) as session:
                    target = inspections.get_inspection(session=session, inspection_id=inspection_id)
                    spent, _ = timed(lambda session=session, target=target, read=read, path=path: service.import_list(
                        session=session, actor=Actor.system("bench"), inspection=target,
                        rows=person_level._numbered(read(path, person_level.LIMITS)), filename=path.name,
                        sha256="-"))
                    session.commit()
                    assert len(session.exec(select(models.PersonLevelChild.id)).all()) == count
                imports.append(spent)

            def figure(values: list[float]) -> str:
                return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"

            lines.append(f"| {count:,} | {kind.upper()} | {path.stat().st_size / 1e6:.1f} MB | {figure(reads)} | "
                         f"{figure(checks)} | {figure(imports)} |")
    report = "\n".join([machine_heading(f"SQLite, processor time, median of {RUNS} runs (best-worst)"), "",
                        *lines, ""])
    record(report, name="person_level", title="Reading, checking and storing the person-level list")


if __name__ == "__main__":
    main()
