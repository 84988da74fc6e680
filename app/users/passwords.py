"""Argon2id password hashing.

Production uses RFC 9106's low-memory profile (argon2-cffi's defaults: 3 passes over 64 MiB in 4 lanes, about
0.15 s of processor a hash). The test suite sets PASSWORD_HASHING=cheap, which the settings refuse outside
ENVIRONMENT=test: the least work Argon2 allows, so its hundreds of test users cost microseconds each, through the
same code path. tests/unit/test_config_and_passwords.py pins the production parameters."""

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import get_settings

HASHERS = {
    "standard": PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16, type=Type.ID),
    "cheap": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=32, salt_len=16, type=Type.ID),
}
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASHES = {name: hasher.hash("not-a-real-password-" + secrets.token_hex(8)) for name, hasher in HASHERS.items()}

MIN_LENGTH = 12


def _profile() -> str:
    return get_settings().password_hashing


def _hasher() -> PasswordHasher:
    return HASHERS[_profile()]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _DUMMY_HASHES[_profile()], password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    return None


def temporary_password() -> str:
    # Four groups of four letters/digits: easy to read out over the phone, ~80 bits.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
