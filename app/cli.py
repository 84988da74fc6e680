"""python -m app.cli migrate | create-user | seed-demo"""

import argparse
import sys

from app import models as _all_tables  # noqa: F401  (every table, and the sync change log listener)
from app.audit.service import Actor
from app.config import get_settings
from app.db import session_factory
from app.errors import ValidationFailed


def cmd_migrate(args) -> int:
    from app import migrate

    migrate.upgrade(get_settings().database_url, args.revision)
    print(f"Database migrated to {args.revision}.")
    return 0


def cmd_create_user(args) -> int:
    from app.users import service

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
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


def cmd_seed_demo(args) -> int:
    from app import demo

    if get_settings().environment == "production":
        print("error: refusing to load demo data when ENVIRONMENT=production", file=sys.stderr)
        return 2
    with session_factory() as session:
        logins = demo.seed(session=session)
        session.commit()
    print("Demo data loaded (all of it fictional). Demo logins:")
    for email, password, who in logins:
        print(f"  {email:<22} {password:<24} {who}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli", description="SEND Fieldwork administration")
    sub = parser.add_subparsers(dest="command", required=True)

    migrate_p = sub.add_parser("migrate", help="apply the database migrations")
    migrate_p.add_argument("--revision", default="head")
    migrate_p.set_defaults(func=cmd_migrate)

    user_p = sub.add_parser("create-user", help="create a user; the password is read from standard input")
    user_p.add_argument("--email", required=True)
    user_p.add_argument("--name", required=True)
    user_p.add_argument("--role", required=True, choices=["admin", "inspector", "la_officer"])
    user_p.add_argument("--inspector-kind", choices=["hmi", "ofsted_inspector", "cqc", "la_peer"])
    user_p.add_argument("--home-area")
    user_p.set_defaults(func=cmd_create_user)

    seed_p = sub.add_parser("seed-demo", help="load the fictional demo inspection and print its logins")
    seed_p.set_defaults(func=cmd_seed_demo)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
