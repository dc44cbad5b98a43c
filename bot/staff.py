"""Staff accounts: argon2 password hashes, lockout after repeated failures, roles.

*Staff* names the people and their accounts; their work on chats is the *desk* (`bot/desk.py`),
the web pages for both the *console* (`channels/console/`).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import aware_utc, utcnow
from bot.storage.models import StaffRole, StaffUser

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


def spend_hash_time(password: str) -> None:
    """One argon2 verification against a throwaway hash: every refusal (unknown user, locked
    pair, inactive account) costs what a wrong password costs, so timing tells nothing."""
    global _dummy_hash
    if _dummy_hash is None or _dummy_hash[0] is not _hasher:
        _dummy_hash = (_hasher, _hasher.hash("not-a-password-" + secrets.token_hex(8)))
    try:
        _hasher.verify(_dummy_hash[1], password)
    except (VerificationError, InvalidHashError):
        pass


_dummy_hash: tuple[PasswordHasher, str] | None = None


@dataclass
class _Failures:
    count: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None


class LoginThrottle:
    """Failed-login counters that a stranger cannot use to lock a staff member out.

    Choice (S7): the lock that refuses logins is keyed by *username and client IP*: five wrong
    passwords from one address lock that address out of that account for the lockout period,
    while the staff member at the hotline's own address still logs in. Two wider limits stop
    what keying by IP would let through: one address that sprays many usernames (and makes us
    spend argon2's memory) is refused after `per_ip` failures, and the account itself is
    locked in the database after `per_account` failures from any mix of addresses (a
    distributed guess), see `authenticate`. An attempt is *reserved* before the password is
    checked, under a lock, so parallel guesses cannot overtake the count.

    Counters live in this process (several app replicas multiply the per-pair and per-IP
    budgets by their number; the per-account limit is in the database and shared).
    """

    def __init__(self, *, per_user_ip: int, per_ip: int, lockout: timedelta) -> None:
        self.per_user_ip, self.per_ip, self.lockout = per_user_ip, per_ip, lockout
        self._pairs: dict[tuple[str, str], _Failures] = {}
        self._ips: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def _fresh(self, table: dict, key, now: datetime) -> _Failures:
        entry = table.get(key)
        if entry is None or (entry.locked_until is None and entry.window_start is not None
                             and now - entry.window_start > self.lockout):
            entry = table[key] = _Failures(window_start=now)
        if entry.locked_until is not None and entry.locked_until <= now:
            entry = table[key] = _Failures(window_start=now)
        return entry

    def reserve(self, username: str, ip: str, now: datetime) -> datetime | None:
        """Count this attempt as a failure in advance; the lock's end if it may not proceed."""
        key = (username.strip().lower(), ip)
        with self._lock:
            if len(self._pairs) > 100_000:  # bounded memory under a flood of usernames
                self._prune(now)
            pair = self._fresh(self._pairs, key, now)
            per_ip = self._fresh(self._ips, ip, now)
            for entry, limit in ((pair, self.per_user_ip), (per_ip, self.per_ip)):
                if entry.locked_until is not None:
                    return entry.locked_until
                if entry.count >= limit:
                    entry.locked_until = now + self.lockout
                    return entry.locked_until
            pair.count += 1
            per_ip.count += 1
            return None

    def succeeded(self, username: str, ip: str) -> None:
        """A right password: the reserved failure is given back for this pair and address."""
        key = (username.strip().lower(), ip)
        with self._lock:
            self._pairs.pop(key, None)
            entry = self._ips.get(ip)
            if entry is not None and entry.count > 0 and entry.locked_until is None:
                entry.count -= 1

    def _prune(self, now: datetime) -> None:
        for table in (self._pairs, self._ips):
            for key in [k for k, v in table.items()
                        if (v.locked_until or v.window_start or now) + self.lockout <= now]:
                del table[key]


def authenticate(session: Session, *, username: str, password: str, max_attempts: int,
                 lockout: timedelta, now: datetime | None = None) -> StaffUser:
    """Check a login against the account-wide limit (`max_attempts` failures lock the account
    for `lockout`, from any address; see LoginThrottle for the per-address limits in front).

    Every refusal raises InvalidCredentials or LockedOut after the same argon2 work, and
    callers answer both the same way, so neither the response nor its timing tells whether a
    username exists or is locked. The failure count is reserved with one atomic conditional
    UPDATE before the password is checked: parallel guesses cannot read a stale count.
    """
    now = now or utcnow()
    user_id = session.scalar(
        select(StaffUser.id).where(StaffUser.username == username.strip().lower(),
                                   StaffUser.is_active.is_(True)))
    if user_id is None:
        spend_hash_time(password)
        raise InvalidCredentials()
    reserved = session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id,
               or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now))
        .values(failed_logins=StaffUser.failed_logins + 1)
        .returning(StaffUser.failed_logins)
    ).scalar()
    session.commit()  # the reservation holds even if this request dies during the check
    user = session.get(StaffUser, user_id)
    session.refresh(user)
    if reserved is None or reserved > max_attempts:  # already locked, or over the budget
        spend_hash_time(password)
        raise LockedOut(aware_utc(user.locked_until) or now + lockout)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        if reserved >= max_attempts:
            locked = session.execute(
                update(StaffUser)
                .where(StaffUser.id == user_id, StaffUser.failed_logins >= max_attempts)
                .values(locked_until=now + lockout, failed_logins=0)
            ).rowcount
            if locked:
                audit.record(session, actor=f"staff:{user.id}", action="staff_locked_out",
                             target_type="staff", target_id=user.id)
            session.commit()
            raise LockedOut(now + lockout) from None
        raise InvalidCredentials() from None
    session.execute(update(StaffUser).where(StaffUser.id == user_id)
                    .values(failed_logins=0, locked_until=None))
    session.refresh(user)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, actor=f"staff:{user.id}", action="staff_login", target_type="staff",
                 target_id=user.id)
    return user


def count_supervisors(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == StaffRole.SUPERVISOR)
    ) or 0
