"""Staff sessions and CSRF for the console.

The session is a signed, time-limited cookie (itsdangerous) holding the staff id, a CSRF
token and a random session id that logout revokes server-side; it is HttpOnly,
SameSite=Strict and Secure whenever the public URL is https. Every
state-changing request must echo the CSRF token (form field `csrf_token` or header
`X-CSRF-Token`). The login form has its own double-submit token, since there is no session yet.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.storage.models import StaffRole, StaffUser

SESSION_COOKIE = "sakot_staff"
LOGIN_CSRF_COOKIE = "sakot_login_csrf"
SESSION_MAX_AGE = 12 * 3600
# Logged-out sessions, as rows of processed_events (source, event_id=session id): a signed
# cookie stays valid until it expires, so logout must be remembered by the server.
SESSION_REVOKED = "staff_logout"
LOGIN_CSRF_MAX_AGE = 3600


@dataclass(frozen=True)
class StaffSession:
    staff_id: str
    csrf: str
    session_id: str  # revoked server-side at logout (see SESSION_REVOKED)


class ConsoleAuthError(HTTPException):
    """Not logged in: pages redirect to the login form, API calls get 401."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_401_UNAUTHORIZED, "login required")


class SessionSigner:
    def __init__(self, secret: str, *, secure: bool) -> None:
        self._sessions = URLSafeTimedSerializer(secret, salt="sakot-staff-session")
        self._login = URLSafeTimedSerializer(secret, salt="sakot-login-csrf")
        self.secure = secure

    # -- staff sessions
    def issue(self, staff_id: str) -> tuple[str, StaffSession]:
        session = StaffSession(staff_id=staff_id, csrf=secrets.token_urlsafe(24),
                               session_id=secrets.token_urlsafe(18))
        return self._sessions.dumps({"sid": staff_id, "csrf": session.csrf,
                                     "jti": session.session_id}), session

    def read(self, cookie: str | None) -> StaffSession | None:
        if not cookie:
            return None
        try:
            data = self._sessions.loads(cookie, max_age=SESSION_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict) or not data.get("jti"):
            return None  # a cookie from before sessions could be revoked: log in again
        return StaffSession(staff_id=data["sid"], csrf=data["csrf"], session_id=data["jti"])

    def set_cookie(self, response, value: str) -> None:
        response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, httponly=True,
                            secure=self.secure, samesite="strict", path="/console")

    # -- login form
    def login_token(self) -> tuple[str, str]:
        raw = secrets.token_urlsafe(24)
        return raw, self._login.dumps(raw)

    def check_login_token(self, form_token: str | None, cookie: str | None) -> bool:
        if not form_token or not cookie:
            return False
        try:
            raw = self._login.loads(cookie, max_age=LOGIN_CSRF_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return False
        return hmac.compare_digest(raw, form_token)


def csrf_ok(session: StaffSession, provided: str | None) -> bool:
    return bool(provided) and hmac.compare_digest(session.csrf, provided)


def require_role(staff: StaffUser, role: StaffRole) -> None:
    if role == StaffRole.SUPERVISOR and staff.role != StaffRole.SUPERVISOR:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "supervisors only")


async def provided_csrf(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None
