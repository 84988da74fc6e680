"""The outcome letter at scale: drafting it and exporting it as Word and PDF for an inspection with 3,000
evidence items (and 300 case files, 150 activities), in one process, on SQLite built by the migrations.

    .venv/bin/python bench/letter.py [--runs 10] [--record]

Targets (outcome letter issue): draft under 500 ms, DOCX under 1 s, PDF under 3 s on this machine.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine_heading, record
from board import build


def timed(work, runs: int) -> list[float]:
    work()  # warm
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    from sqlmodel import Session

    from app.inspections.models import Inspection
    from app.letters import export, service

    with tempfile.TemporaryDirectory() as tmp:
        engine, inspection_id, _ = build(f"sqlite:///{Path(tmp) / 'letter.db'}", items_count=3000)
        with Session(engine) as session:
            inspection = session.get(Inspection, inspection_id)
            draft = service.draft(session=session, inspection=inspection)
            results = {
                "draft (3,000 items)": timed(lambda: service.draft(session=session, inspection=inspection), args.runs),
                "DOCX export": timed(lambda: export.to_docx(draft), args.runs),
                "PDF export": timed(lambda: export.to_pdf(draft), args.runs),
            }
            sizes = {"DOCX": len(export.to_docx(draft)), "PDF": len(export.to_pdf(draft))}
        engine.dispose()
    targets = {"draft (3,000 items)": 500, "DOCX export": 1000, "PDF export": 3000}
    lines = [machine_heading(f"SQLite, in process, {args.runs} runs"), "",
             "| step | median ms | max ms | target | met |", "| --- | ---: | ---: | ---: | --- |"]
    for step, values in results.items():
        median = statistics.median(values)
        lines.append(f"| {step} | {median:.0f} | {max(values):.0f} | < {targets[step]:,} ms | "
                     f"{'yes' if median < targets[step] else 'NO'} |")
    lines += ["", (f"The letter: {len(draft.statements())} statements; DOCX {sizes['DOCX'] / 1024:.0f} KB, "
                   f"PDF {sizes['PDF'] / 1024:.0f} KB. "
                   "Export times are for the drafted letter (drafting is the first row)."), ""]
    record("\n".join(lines), name="letter", title="Outcome letter at scale")


if __name__ == "__main__":
    main()
