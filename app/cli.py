"""python -m app.cli migrate | create-user | seed-demo | purge [--dry-run]"""

import argparse
import getpass
import sys
from datetime import UTC, datetime

from sqlmodel import Session

from app import demo, migrate
from app import models as _all_tables  # noqa: F401  (every table)
from app.audit.service import Actor, record
from app.config import get_settings
from app.db import session_factory
from app.errors import ValidationFailed
from app.flows import purge as retention
from app.portal.storage import get_storage
from app.sync import feed
from app.users import service


def cmd_migrate(args: argparse.Namespace) -> int:
    migrate.upgrade(get_settings().database_url, args.revision)
    print(f"Database migrated to {args.revision}.")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    form = service.UserForm(email=args.email, name=args.name, role=args.role,
                            inspector_kind=args.inspector_kind or "", home_area=args.home_area or "")
    with session_factory() as session:
        try:
            user = service.create_user(session=session, actor=Actor.system("cli"), form=form, password=password)
        except ValidationFailed as e:
            for field, message in e.errors.items():
                print(f"error: {field}: {message}", file=sys.stderr)
            return 2
        session.commit()
        print(f"Created {user.role} {user.email} (id {user.id}).")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    if get_settings().environment == "production":
        print("error: refusing to load demo data when ENVIRONMENT=production", file=sys.stderr)
        return 2
    with session_factory() as session:
        logins = demo.seed(session=session)
        session.commit()
    print("Demo data loaded (all of it fictional). Demo logins:")
    for email, password, who in logins:
        print(f"  {email:<22} {password:<24} {who}")
    print(f"The administrator signs in with a code too: add the key {demo.DEMO_ADMIN_TOTP_KEY} to an "
          "authenticator app (time-based, 6 digits).")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """List (--dry-run) or purge the inspections past their retention period, then any orphaned files."""
    settings = get_settings()
    now = datetime.fromisoformat(args.today).replace(tzinfo=UTC) if args.today else datetime.now(UTC)
    storage, actor = get_storage(), Actor.system("cli purge")
    verb = "Would purge" if args.dry_run else "Purged"
    with session_factory() as session:
        found = retention.plans(session=session, now=now, retention_days=settings.retention_days)
        print(f"Retention: {settings.retention_days} days after publication. "
              f"{len(found)} inspection{'s' if len(found) != 1 else ''} past it.")
        for plan in found:
            if not args.dry_run:
                retention.purge(session=session, actor=actor, storage=storage, plan=plan)
                session.commit()  # one inspection at a time; its files are deleted once this has committed
            print(f"{verb} {plan.line()}")
        orphans = retention.orphaned_files(session=session, storage=storage)
        if orphans:
            print(f"{'Would remove' if args.dry_run else 'Removed'} {len(orphans)} orphaned file"
                  f"{'s' if len(orphans) != 1 else ''} (stored with no upload record).")
            if not args.dry_run:
                for key in orphans:
                    storage.delete(key)
                record_orphans(session, actor, orphans)
                session.commit()
    return 0


def record_orphans(session: Session, actor: Actor, keys: list[str]) -> None:
    record(session=session, actor=actor, action="retention.orphans_removed", object_type="storage",
           detail={"files": len(keys)})


def main(argv: list[str] | None = None) -> int:
    feed.register()  # what the commands change reaches the tablets' change feed, as from the app
    parser = argparse.ArgumentParser(prog="python -m app.cli", description="SEND Fieldwork administration")
    sub = parser.add_subparsers(dest="command", required=True)

    migrate_p = sub.add_parser("migrate", help="apply the database migrations")
    migrate_p.add_argument("--revision", default="head")
    migrate_p.set_defaults(func=cmd_migrate)

    user_p = sub.add_parser("create-user", help="create a user; the password is read from standard input")
    user_p.add_argument("--email", required=True)
    user_p.add_argument("--name", required=True)
    user_p.add_argument("--role", required=True, choices=["admin", "inspector", "la_officer", "planner"])
    user_p.add_argument("--inspector-kind", choices=["hmi", "ofsted_inspector", "cqc", "la_peer"])
    user_p.add_argument("--home-area")
    user_p.set_defaults(func=cmd_create_user)

    seed_p = sub.add_parser("seed-demo", help="load the fictional demo inspection and print its logins")
    seed_p.set_defaults(func=cmd_seed_demo)

    purge_p = sub.add_parser("purge", help="purge inspections whose letter was published longer ago than "
                                            "RETENTION_DAYS (keeps the letter and aggregate counts)")
    purge_p.add_argument("--dry-run", action="store_true", help="list what would go, change nothing")
    purge_p.add_argument("--today", help="as if today were this date (YYYY-MM-DD)")
    purge_p.set_defaults(func=cmd_purge)

    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
