"""send-2023 evidence and self-evaluation claims moved from the invented proposals to the evaluation criteria

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 01:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The send-2023 profile used to carry the 2016 proposals reworded; it now carries the handbook's evaluation
# criteria (app/frameworks/profiles/send-2023.toml). Each old aspect goes to the criterion and aspect nearest in
# meaning, so that a 2023 inspection under way keeps its evidence on the board and in the report. 2016
# inspections are not touched.
MOVES = {
    (1, "needs_identified"): ["timeliness", "usefulness", "identification_evidence"],
    (1, "participation"): ["child_involved", "parents_involved"],
    (1, "right_help"): ["child_satisfaction", "parent_satisfaction", "needs_met_outcomes", "early_intervention",
                        "personal_budgets", "short_breaks", "specialist_support", "setting_visits", "health_visits",
                        "online_survey"],
    (2, "engage_families"): ["local_offer", "views_in_settings", "established_groups", "local_consultations"],
    (2, "shared_understanding"): ["leaders_meetings"],
    (2, "evaluate_improve"): ["outcomes_evidence", "inspection_findings", "data_and_self_evaluation"],
    (2, "effective_practice"): ["professionals_together"],
}


def upgrade() -> None:
    of_2023 = "inspection_id IN (SELECT id FROM inspections WHERE framework = 'send-2023')"
    for table in ("evidence_items", "sef_claims"):
        for (number, aspect), old in MOVES.items():
            op.get_bind().execute(
                sa.text(f"UPDATE {table} SET proposal = :number, aspect = :aspect "
                        f"WHERE {of_2023} AND aspect IN ({', '.join(f':old_{n}' for n in range(len(old)))})"),
                {"number": number, "aspect": aspect, **{f"old_{n}": code for n, code in enumerate(old)}})


def downgrade() -> None:
    pass  # the move merges aspects, so it cannot be undone; the old profile would show these as retired aspects
