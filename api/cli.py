"""Management commands: ``python -m api.cli --help``.

``create-admin`` makes the first administrator (after that, admins are made by an admin through
``PATCH /api/v1/admin/users/{id}``). It uses the same environment as the web process
(``DATABASE_URL``...). Exit codes: 0 done, 1 refused or failed (conflict, database unreachable),
2 bad usage or input.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import msgspec
from sqlalchemy.exc import IntegrityError

from api.auth.passwords import hash_password
from api.auth.schemas import Email, Password, Username
from core.ids import new_id, utcnow
from core.settings import Settings, load_settings
from core.transient import TRANSIENT_ERRORS
from storage.db import create_engine, create_session_factory
from storage.models.users import Role, User
from storage.repositories.users import RefreshTokenRepository, UserRepository

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class AdminIdentity(msgspec.Struct):
    email: Email
    username: Username


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api.cli", description="Cadenza management commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    create = commands.add_parser(
        "create-admin",
        help="create an administrator (or, with --force, promote an existing account)",
        description=(
            "Create an administrator with a verified e-mail address. An account that already has this "
            "e-mail and username is refused, since anyone may have registered it: with --force it is "
            "promoted (reactivated if it was deactivated, its e-mail marked verified) and every one of "
            "its sessions ends. Without --password-stdin the password is asked for on the terminal; "
            "a promoted account keeps its password unless one is given."
        ),
    )
    create.add_argument("--email", required=True, help="e-mail address of the account")
    create.add_argument("--username", required=True, help="username of the account")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    create.add_argument(
        "--force", action="store_true", help="promote the existing account with this e-mail and username"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        identity = _identity(args.email, args.username)
        password = _read_password(stdin or sys.stdin) if args.password_stdin else None
        settings = load_settings()
        ask = None if args.password_stdin else _prompt_password
        message = asyncio.run(create_admin(settings, identity, password, ask=ask, force=args.force))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(message)
    return EXIT_OK


async def create_admin(
    settings: Settings,
    identity: AdminIdentity,
    password: str | None,
    *,
    ask: Callable[[], str] | None = None,
    force: bool = False,
) -> str:
    """Create the account, or promote an existing one when ``force``; returns a one-line summary.

    Args:
        password: the new password; ``None`` keeps an existing account's, or ``ask`` for one for a
            new account (outside any transaction: a person may take a while to type it).
        force: promote an existing account (self-registered, perhaps by someone else): every
            session it has ends, so nobody keeps a session that was opened before it was an admin.
    """
    engine = create_engine(settings.database, pool_size=1)
    sessions = create_session_factory(engine)
    try:
        if password is None:
            async with sessions() as session:
                existing = await _find(UserRepository(session), identity)
            if existing is None:
                if ask is None:
                    raise CommandError("a new account needs a password (--password-stdin)", EXIT_USAGE)
                password = ask()
        password_hash = await hash_password(settings.auth, password) if password is not None else None
        async with sessions.begin() as session:
            users = UserRepository(session)
            user = await _find(users, identity)
            if user is None:
                if password_hash is None:
                    raise CommandError("the account disappeared meanwhile; run the command again")
                user = User(
                    id=new_id(),
                    email=identity.email,
                    username=identity.username,
                    password_hash=password_hash,
                    role=Role.ADMIN,
                    is_active=True,
                    email_verified=True,
                )
                await users.add(user)
                return f"created admin {user.username} <{user.email}> (id {user.id})"
            if not force:
                raise CommandError(
                    f"the account {user.username!r} <{user.email}> already exists (role {user.role}); "
                    "add --force to promote it and end all of its sessions"
                )
            now = utcnow()
            if password_hash is not None:
                user.password_hash, user.password_changed_at = password_hash, now
            user.session_version += 1
            await RefreshTokenRepository(session).revoke_all_for_user(user.id, now)
            was = user.role
            user.role, user.email_verified, user.is_active, user.deactivated_at = Role.ADMIN, True, True, None
            verb = "is already an admin" if was == Role.ADMIN else f"promoted from {was} to admin"
            return f"{user.username} <{user.email}> {verb}; its sessions have ended (id {user.id})"
    except IntegrityError:
        raise CommandError("that e-mail address or username was registered meanwhile; run the command again") from None
    except TRANSIENT_ERRORS as exc:
        raise CommandError(f"cannot use the database: {type(exc).__name__}: {_first_line(exc)}") from None
    finally:
        await engine.dispose()


async def _find(users: UserRepository, identity: AdminIdentity) -> User | None:
    """The account with this e-mail and username; a conflict if they belong to different ones."""
    by_email = await users.by_email(identity.email)
    by_username = await users.by_username(identity.username)
    if by_email is None and by_username is None:
        return None
    if by_email is not None and by_username is not None and by_email.id == by_username.id:
        return by_email
    if by_email is not None:
        raise CommandError(f"the e-mail address {identity.email} belongs to the user {by_email.username!r}")
    assert by_username is not None
    raise CommandError(f"the username {identity.username!r} belongs to the account <{by_username.email}>")


def _identity(email: str, username: str) -> AdminIdentity:
    try:
        return msgspec.convert({"email": email.strip(), "username": username.strip()}, AdminIdentity)
    except msgspec.ValidationError as exc:
        raise CommandError(f"invalid e-mail address or username: {exc}", EXIT_USAGE) from None


def _read_password(stream: TextIO) -> str:
    return _valid_password(stream.readline().rstrip("\r\n"))


def _prompt_password() -> str:
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for the password on: pass it with --password-stdin", EXIT_USAGE)
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        raise CommandError("the passwords do not match", EXIT_USAGE)
    return _valid_password(first)


def _valid_password(password: str) -> str:
    try:
        return msgspec.convert(password, Password)
    except msgspec.ValidationError as exc:
        raise CommandError(
            f"invalid password: {exc} (8 to 128 characters, no control characters)", EXIT_USAGE
        ) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


if __name__ == "__main__":
    sys.exit(main())
