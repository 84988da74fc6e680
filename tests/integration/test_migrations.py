"""The migrations build exactly the models' schema, and can be undone and redone."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import migrate
from app.models import metadata


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []


def test_database_is_at_head(engine):
    assert migrate.is_at_head(engine)


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    from app.db import make_engine

    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "inspections", "team_members", "audit_events", "user_sessions"} <= tables
    engine.dispose()


def test_text_stored_before_the_boundary_is_cleaned_by_migration_0014(database_url, tmp_path):
    """Control characters in rows saved before the boundary existed are removed, and text is put in NFC."""
    import json

    from sqlalchemy import text

    from app.db import make_engine
    from tests.conftest import new_postgres_database

    def run(url: str) -> None:
        migrate.upgrade(url, "0013")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (email, name, role, password_hash, active, must_change_password, "
                              "created_at) VALUES ('a@example.org', :name, 'inspector', 'x', true, false, "
                              "CURRENT_TIMESTAMP)"), {"name": "Fictional\x01 Person\x0b"})
            conn.execute(text("INSERT INTO audit_events (at, action, object_type, detail) VALUES "
                              "(CURRENT_TIMESTAMP, 'x', 'user', :detail)"),
                         {"detail": json.dumps({"words": "Cafe\u0301\x1b[31m"})})
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM users")).scalar_one() == "Fictional Person"
            detail = conn.execute(text("SELECT detail FROM audit_events")).scalar_one()
            assert (json.loads(detail) if isinstance(detail, str) else detail) == {"words": "Caf\u00e9[31m"}
        engine.dispose()

    if database_url.startswith("sqlite"):
        run(f"sqlite:///{tmp_path / 'dirty.db'}")
    else:
        with new_postgres_database("sendfw_dirty") as url:
            migrate.downgrade(url, "base")
            run(url)


def test_migration_0025_files_existing_evidence_under_the_day_of_its_source(database_url, tmp_path):
    """Evidence from before the day observed existed takes its activity's day, or the day of the activity its case
    file was seen during, otherwise the day it was captured."""
    from datetime import date

    from sqlalchemy import text

    from app.db import make_engine
    from tests.conftest import new_postgres_database

    now = "2026-11-27 18:00:00"
    rows = {
        "INSERT INTO inspections (id, local_area, la_code, framework, start_date, notification_date, last_on_site_date,"
        " status, created_at) VALUES (1, 'Testshire (fictional)', '999', 'send-2016', '2026-11-23', '2026-11-16',"
        " '2026-11-27', 'on_site', :now)": {},
        "INSERT INTO activities (id, inspection_id, kind, title, day, inspector_ids, attendees, notes, version,"
        " created_at, updated_at) VALUES ('a-thursday', 1, 'meeting', 'Fictional meeting', '2026-11-26', '[]', '[]',"
        " '', 1, :now, :now)": {},
        "INSERT INTO file_reviews (id, inspection_id, case_reference, age_band, setting_type, sen_status, primary_need,"
        " health_contributed, social_care_contributed, ratings, notes, activity_id, version, created_at, updated_at)"
        " VALUES (:id, 1, 'P1-01', '5-10', 'special_school', 'plan_in_place', 'SLD', 'yes', 'no', '{}', '',"
        " :activity, 1, :now, :now)": [{"id": "f-during", "activity": "a-thursday"},
                                       {"id": "f-alone", "activity": None}],
        "INSERT INTO evidence_items (id, inspection_id, text, proposal, aspect, judgement, strands, source_type,"
        " source_id, captured_on, version, created_at, updated_at) VALUES (:id, 1, 'Fictional.', 1, 'timeliness',"
        " 'strength', '[]', :kind, :source, '2026-11-27', 1, :now, :now)": [
            {"id": "from-meeting", "kind": "meeting", "source": "a-thursday"},
            {"id": "from-file", "kind": "file_review", "source": "f-during"},
            {"id": "from-lone-file", "kind": "file_review", "source": "f-alone"},
            {"id": "from-nothing", "kind": "none", "source": None}],
    }

    def run(url: str) -> None:
        migrate.upgrade(url, "0024")
        engine = make_engine(url)
        with engine.begin() as conn:
            for statement, params in rows.items():
                for one in params if isinstance(params, list) else [params]:
                    conn.execute(text(statement), {"now": now, **one})
        migrate.upgrade(url, "0025")
        with engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, observed_on FROM evidence_items")).all())
        assert {key: date.fromisoformat(str(day)) for key, day in found.items()} == {
            "from-meeting": date(2026, 11, 26), "from-file": date(2026, 11, 26),
            "from-lone-file": date(2026, 11, 27), "from-nothing": date(2026, 11, 27)}
        columns = inspect(engine).get_columns("evidence_items")
        assert [c["nullable"] for c in columns if c["name"] == "observed_on"] == [False]
        engine.dispose()

    if database_url.startswith("sqlite"):
        run(f"sqlite:///{tmp_path / 'before_0025.db'}")
    else:
        with new_postgres_database("sendfw_observed") as url:
            migrate.downgrade(url, "base")
            run(url)


def test_2023_evidence_moves_to_the_evaluation_criteria_in_0029_and_is_filed_by_heading_in_0030(database_url,
                                                                                                tmp_path):
    """A send-2023 inspection's evidence under the old invented proposals moves to the criterion and aspect nearest
    in meaning; a send-2016 inspection's evidence is not touched. Then 0030 names the column, and the stored copies
    the product reads back, by the neutral "heading", and its downgrade names them back."""
    import json

    from sqlalchemy import text

    from app.db import make_engine
    from tests.conftest import new_postgres_database

    def run(url: str) -> None:
        migrate.upgrade(url, "0028")
        engine = make_engine(url)
        with engine.begin() as conn:
            for n, framework in ((1, "send-2016"), (2, "send-2023")):
                conn.execute(text("INSERT INTO inspections (id, local_area, la_code, framework, start_date, "
                                  "notification_date, last_on_site_date, status, created_at) VALUES (:id, 'Fictional', "
                                  "'999', :framework, '2027-03-08', '2027-03-04', '2027-03-12', 'planned', "
                                  "CURRENT_TIMESTAMP)"), {"id": n, "framework": framework})
                for aspect, proposal in (("timeliness", 1), ("online_survey", 4), ("leaders_meetings", 3)):
                    conn.execute(text(
                        "INSERT INTO evidence_items (id, inspection_id, text, proposal, aspect, judgement, strands, "
                        "source_type, captured_on, observed_on, version, created_at, updated_at) VALUES (:id, "
                        ":inspection, 'Fictional.', :proposal, :aspect, 'strength', '[]', 'none', '2027-03-08', "
                        "'2027-03-08', 1, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                        {"id": f"{framework}-{aspect}", "inspection": n, "proposal": proposal, "aspect": aspect})
            conn.execute(text("INSERT INTO retention_purges (inspection_id, purged_at, removed, kept_counts) VALUES "
                              "(1, CURRENT_TIMESTAMP, '{}', :kept)"),
                         {"kept": json.dumps({"evidence": {"proposal_1_strength": 2}, "claims": {}})})
            conn.execute(text("INSERT INTO sync_conflicts (inspection_id, entity, entity_id, action, incoming, "
                              "current, op_id, created_at) VALUES (1, 'evidence_item', 'e1', 'update', :incoming, "
                              ":current, 'o1', CURRENT_TIMESTAMP)"),
                         {"incoming": json.dumps({"text": "Fictional.", "proposal": 2}),
                          "current": json.dumps({"text": "Fictional", "proposal": 1})})
        migrate.upgrade(url, "0029")
        with engine.connect() as conn:
            rows = {(i, a): p for i, a, p in conn.execute(
                text("SELECT inspection_id, aspect, proposal FROM evidence_items")).all()}
        assert rows == {(1, "timeliness"): 1, (1, "online_survey"): 4, (1, "leaders_meetings"): 3,
                        (2, "needs_identified"): 1, (2, "right_help"): 1, (2, "shared_understanding"): 2}

        def stored(column: str) -> object:
            value = conn.execute(text(f"SELECT {column}")).scalar_one()
            return json.loads(value) if isinstance(value, str) else value

        for head, (word, kept) in (("0030", ("heading", "heading_1_strength")),
                                   ("0029", ("proposal", "proposal_1_strength"))):
            (migrate.upgrade if head == "0030" else migrate.downgrade)(url, head)
            with engine.connect() as conn:
                assert dict(conn.execute(text(f"SELECT id, {word} FROM evidence_items WHERE inspection_id = 1")
                                         ).all()) == {"send-2016-timeliness": 1, "send-2016-online_survey": 4,
                                                      "send-2016-leaders_meetings": 3}
                assert stored("kept_counts FROM retention_purges") == {"evidence": {kept: 2}, "claims": {}}
                assert stored("incoming FROM sync_conflicts") == {"text": "Fictional.", word: 2}
                assert stored("current FROM sync_conflicts") == {"text": "Fictional", word: 1}
            assert f"ix_sef_claims_inspection_{word}" in {i["name"] for i in inspect(engine).get_indexes("sef_claims")}
        engine.dispose()

    if database_url.startswith("sqlite"):
        run(f"sqlite:///{tmp_path / 'criteria.db'}")
    else:
        with new_postgres_database("sendfw_criteria") as url:
            migrate.downgrade(url, "base")
            run(url)
