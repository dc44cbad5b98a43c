"""Staff accounts: argon2 password hashes, lockout after repeated failures, roles."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import audit
from bot.storage.models import StaffRole, StaffUser, utcnow

_hasher = PasswordHasher()  # argon2id with the library's recommended (RFC 9106) parameters


def use_password_parameters(parameters) -> None:
    """Swap the argon2 cost parameters (tests use `argon2.profiles.CHEAPEST`)."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(parameters)
MIN_PASSWORD_LENGTH = 10


class StaffError(Exception):
    pass


class InvalidCredentials(StaffError):
    pass


class LockedOut(StaffError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def create_staff(session: Session, *, username: str, display_name: str, password: str,
                 role: StaffRole = StaffRole.AGENT, created_by: str = "cli") -> StaffUser:
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise StaffError("username must be 1-64 characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise StaffError(f"username {username!r} is taken")
    user = StaffUser(username=username, display_name=display_name or username,
                     password_hash=_hasher.hash(password), role=StaffRole(role))
    session.add(user)
    session.flush()
    audit.record(session, actor=created_by, action="staff_created", target_type="staff",
                 target_id=user.id, data={"role": str(role)})
    return user


def authenticate(session: Session, *, username: str, password: str, max_attempts: int,
                 lockout: timedelta, now: datetime | None = None) -> StaffUser:
    """Check a login; count failures and lock the account after `max_attempts`."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None or not user.is_active:
        _hasher.hash(password)  # same cost either way: don't reveal which usernames exist
        raise InvalidCredentials()
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=now.tzinfo)
    if locked_until is not None and locked_until > now:
        raise LockedOut(locked_until)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= max_attempts:
            user.locked_until = now + lockout
            user.failed_logins = 0
            audit.record(session, actor=f"staff:{user.id}", action="staff_locked_out",
                         target_type="staff", target_id=user.id)
            session.commit()
            raise LockedOut(user.locked_until) from None
        session.commit()
        raise InvalidCredentials() from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor=f"staff:{user.id}", action="staff_login", target_type="staff",
                 target_id=user.id)
    return user


def count_supervisors(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == StaffRole.SUPERVISOR)
    ) or 0
