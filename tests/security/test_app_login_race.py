"""S7: parallel wrong guesses cannot overtake the login lockout (no lost update), and the
per-address throttle in front of it keys on username *and* address."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, profiles

from bot import staff
from bot.staff import InvalidCredentials, LockedOut, LoginThrottle, authenticate, create_staff
from bot.storage.db import session_scope
from bot.storage.models import StaffUser

PARALLEL, MAX_ATTEMPTS = 12, 5


class RendezvousHasher(PasswordHasher):
    """argon2 whose checks of the real password hash all wait for each other: every parallel
    guess has read the account before any of them records its failure (the race, forced)."""

    def __init__(self, real_hash_prefix: str) -> None:
        super().__init__(**{k: getattr(profiles.CHEAPEST, k) for k in (
            "time_cost", "memory_cost", "parallelism", "hash_len", "salt_len")})
        self.barrier = threading.Barrier(PARALLEL, timeout=3)
        self.real_checks = 0
        self.lock = threading.Lock()
        self.real_hash = real_hash_prefix

    def verify(self, hash, password):  # noqa: A002 (argon2's own parameter name)
        if hash == self.real_hash:
            with self.lock:
                self.real_checks += 1
            try:
                self.barrier.wait()
            except threading.BrokenBarrierError:
                pass  # fewer than PARALLEL got this far: the lockout held them back
        return super().verify(hash, password)


@pytest.fixture
def cheap_hashing():
    original = staff._hasher
    staff.use_password_parameters(profiles.CHEAPEST)
    yield
    staff._hasher = original


def test_parallel_wrong_guesses_cannot_skip_the_lockout(migrated_sessions, cheap_hashing):
    with session_scope(migrated_sessions) as s:
        user = create_staff(s, username="racer", display_name="Racer",
                            password="race-pass-123456")
        real_hash = user.password_hash
    hasher = RendezvousHasher(real_hash)
    staff._hasher = hasher

    def guess(i: int) -> str:
        try:
            with session_scope(migrated_sessions) as s:
                authenticate(s, username="racer", password=f"wrong-{i}",
                             max_attempts=MAX_ATTEMPTS, lockout=timedelta(minutes=15))
        except LockedOut:
            return "locked"
        except InvalidCredentials:
            return "invalid"
        return "in"

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(guess, range(PARALLEL)))
    assert "in" not in results
    assert hasher.real_checks <= MAX_ATTEMPTS  # no more guesses checked than allowed
    with session_scope(migrated_sessions) as s:
        locked_until = s.query(StaffUser).filter_by(username="racer").one().locked_until
    assert locked_until is not None


def test_the_throttle_locks_a_username_and_address_pair_not_the_account():
    throttle = LoginThrottle(per_user_ip=3, per_ip=100, lockout=timedelta(minutes=15))
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert [throttle.reserve("agent", "203.0.113.9", now) for _ in range(3)] == [None] * 3
    assert throttle.reserve("Agent ", "203.0.113.9", now) == now + timedelta(minutes=15)
    assert throttle.reserve("agent", "198.51.100.7", now) is None  # the agent's own desk
    later = now + timedelta(minutes=16)
    assert throttle.reserve("agent", "203.0.113.9", later) is None  # the lock ran out


def test_a_right_password_gives_back_the_reserved_attempt():
    throttle = LoginThrottle(per_user_ip=2, per_ip=2, lockout=timedelta(minutes=15))
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    for _ in range(5):
        assert throttle.reserve("agent", "10.0.0.1", now) is None
        throttle.succeeded("agent", "10.0.0.1")
