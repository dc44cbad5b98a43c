"""The staff console's routes (under /console). Thin: rules live in bot.desk, bot.staff and
the read models in views.py; the conversation engine sends staff messages to the victim."""


import asyncio
import contextlib
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit
from pathlib import Path
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    Form,
    HTTPException,
    Request,
    WebSocket,
    WebSocketDisconnect,
    status,
)
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from bot import audit, desk
from bot.cases import packet
from bot.cases.corrections import correct_identifier
from bot.conversation.events import STAFF_TOPIC, conversation_topic
from bot.conversation.evidence import EVIDENCE_EXTENSIONS, served_content_type
from bot.handoff import HandoffAction, InvalidHandoff, StaffAction
from bot.outbox import store as outbox_store
from bot.staff import (
    InvalidCredentials,
    LockedOut,
    LoginThrottle,
    StaffError,
    authenticate,
    create_staff,
    spend_hash_time,
)
from bot.storage.db import session_scope
from bot.storage.models import (
    AuditLog,
    Evidence,
    Identifier,
    ProcessedEvent,
    StaffRole,
    StaffUser,
    utcnow,
)
from channels.console import views
from channels.console.canned import canned_replies
from channels.console.charts import bar_chart
from channels.console.i18n import translator
from channels.console.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_REVOKED,
    ConsoleAuthError,
    SessionSigner,
    StaffSession,
    csrf_ok,
    provided_csrf,
    require_role,
)
from channels.limits import client_ip

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LANG_COOKIE = "sakot_console_lang"

# A staff member may not act on the chat / there is no such chat.
ACCESS_ERRORS = {desk.NotAllowed: status.HTTP_403_FORBIDDEN,
                 desk.DeskError: status.HTTP_404_NOT_FOUND}
# A refused value / no such identifier.
IDENTIFIER_ERRORS = {ValueError: status.HTTP_422_UNPROCESSABLE_CONTENT,
                     LookupError: status.HTTP_404_NOT_FOUND}


@contextlib.contextmanager
def answered_as(statuses: dict[type[Exception], int]) -> Iterator[None]:
    """Turn the rule errors a route expects into HTTP answers (the first matching class in
    ``statuses`` wins); any other error is a bug and stays a 500."""
    try:
        yield
    except tuple(statuses) as exc:
        code = next(code for kind, code in statuses.items() if isinstance(exc, kind))
        raise HTTPException(code, str(exc)) from None


def build_router(context, runtime) -> APIRouter:
    settings = context.settings
    signer = SessionSigner(settings.secret_key.get_secret_value(),
                           secure=settings.public_base_url.startswith("https"))
    router = APIRouter(prefix="/console", include_in_schema=False)
    throttle = LoginThrottle(per_user_ip=settings.staff_lockout_attempts,
                             per_ip=settings.staff_login_ip_attempts,
                             lockout=timedelta(minutes=settings.staff_lockout_minutes))

    # ------------------------------------------------------------------ dependencies
    def current_session(request: Request) -> tuple[StaffUser, StaffSession]:
        staff_session = signer.read(request.cookies.get(SESSION_COOKIE))
        if staff_session is None:
            raise ConsoleAuthError()
        with context.sessions() as session:
            staff = session.get(StaffUser, staff_session.staff_id)
            if staff is None or not staff.is_active or _revoked(session, staff_session):
                raise ConsoleAuthError()
            session.expunge(staff)
        return staff, staff_session

    Current = Annotated[tuple[StaffUser, StaffSession], Depends(current_session)]

    async def checked(request: Request, current: Current) -> StaffUser:
        """A state-changing request from a logged-in staff member with a valid CSRF token."""
        staff, staff_session = current
        if not csrf_ok(staff_session, await provided_csrf(request)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong")
        return staff

    Checked = Annotated[StaffUser, Depends(checked)]

    def supervisor(current: Current) -> tuple[StaffUser, StaffSession]:
        require_role(current[0], StaffRole.SUPERVISOR)
        return current

    Supervisor = Annotated[tuple[StaffUser, StaffSession], Depends(supervisor)]

    def render(request: Request, template: str, current=None, **values) -> HTMLResponse:
        lang = request.cookies.get(LANG_COOKIE, "th")
        staff, staff_session = current or (None, None)
        return TEMPLATES.TemplateResponse(request, template, {
            "t": translator(lang), "lang": lang, "staff": staff,
            "csrf": staff_session.csrf if staff_session else "", **values})

    # ------------------------------------------------------------------ login
    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return _login_page(request, error=None)  # no ?error=: nothing a link can put on it

    def _login_page(request: Request, error: str | None) -> HTMLResponse:
        raw, signed = signer.login_token()
        response = render(request, "login.html", login_csrf=raw, error=error)
        response.set_cookie(LOGIN_CSRF_COOKIE, signed, max_age=3600, httponly=True,
                            secure=signer.secure, samesite="strict", path="/console")
        return response

    @router.post("/login")
    def login(request: Request, username: Annotated[str, Form()],
              password: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = ""):
        if not signer.check_login_token(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong")
        t = translator(request.cookies.get(LANG_COOKIE, "th"))
        refused = t("bad_login", minutes=settings.staff_lockout_minutes)
        ip = client_ip(request)
        # Unknown user, wrong password, locked account or locked address: one answer, after
        # the same argon2 work (bot.staff.LoginThrottle explains the limits)
        if throttle.reserve(username, ip, utcnow()) is not None:
            spend_hash_time(password)
            return _login_again(request, refused, 401)
        try:
            with session_scope(context.sessions) as session:
                staff = authenticate(
                    session, username=username, password=password,
                    max_attempts=settings.staff_lockout_account_attempts,
                    lockout=timedelta(minutes=settings.staff_lockout_minutes))
                staff_id = staff.id
        except (LockedOut, InvalidCredentials):
            return _login_again(request, refused, 401)
        throttle.succeeded(username, ip)
        cookie, _ = signer.issue(staff_id)
        response = RedirectResponse("/console/", status.HTTP_303_SEE_OTHER)
        signer.set_cookie(response, cookie)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return response

    def _login_again(request: Request, error: str, code: int) -> HTMLResponse:
        response = _login_page(request, error=error)
        response.status_code = code
        return response

    @router.post("/logout")
    def logout(request: Request, staff: Checked):
        staff_session = signer.read(request.cookies.get(SESSION_COOKIE))
        if staff_session is not None:  # the cookie is dead server-side, wherever it was copied
            with session_scope(context.sessions) as session:
                session.add(ProcessedEvent(source=SESSION_REVOKED,
                                           event_id=staff_session.session_id))
                audit.record(session, actor=f"staff:{staff.id}", action="staff_logout",
                             target_type="staff", target_id=staff.id)
        response = RedirectResponse("/console/login", status.HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response

    @router.get("/lang/{code}")
    def set_language(code: str, request: Request):
        back = urlsplit(request.headers.get("referer") or "").path  # our own pages only
        response = RedirectResponse(back if back.startswith("/console/") else "/console/",
                                    status.HTTP_303_SEE_OTHER)
        response.set_cookie(LANG_COOKIE, "en" if code == "en" else "th", max_age=365 * 86400,
                            samesite="strict", path="/console")
        return response

    # ------------------------------------------------------------------ queue
    @router.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, current: Current):
        with context.sessions() as session:
            rows = views.queue(session, p0_alert_minutes=settings.p0_alert_minutes)
            staff_list = _staff_list(session)
            dead_packets = outbox_store.dead_messages(session, topic=packet.TOPIC)
        return render(request, "queue.html", current, rows=rows, staff_list=staff_list,
                      p0_alert_minutes=settings.p0_alert_minutes, dead_packets=dead_packets)

    @router.get("/api/queue")
    def queue_json(current: Current):
        with context.sessions() as session:
            rows = views.queue(session, p0_alert_minutes=settings.p0_alert_minutes)
        return [{**row.__dict__, "waiting_since": row.waiting_since.isoformat(),
                 "deadline": row.deadline.isoformat() if row.deadline else None} for row in rows]

    # ------------------------------------------------------------------ one conversation
    @router.get("/c/{conversation_id}", response_class=HTMLResponse)
    def conversation_page(conversation_id: str, request: Request, current: Current):
        with context.sessions() as session:
            view = views.conversation_view(session, conversation_id)
            if view is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such conversation")
            staff_list = _staff_list(session)
            canned = canned_replies(view.case)
        return render(request, "conversation.html", current, view=view, canned=canned,
                      staff_list=staff_list, scam_label=views.scam_label)

    @router.get("/api/c/{conversation_id}")
    def conversation_json(conversation_id: str, current: Current):
        with context.sessions() as session:
            view = views.conversation_view(session, conversation_id)
            if view is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such conversation")
            return {"state": str(view.conversation.handoff_state),
                    "assigned_staff_id": view.conversation.assigned_staff_id,
                    "messages": view.messages,
                    "identifiers": [i.__dict__ for i in view.identifiers],
                    "freeze_requests": view.freeze_requests}

    async def _handoff(conversation_id: str, staff: StaffUser, action: str,
                       assignee_id: str | None = None) -> JSONResponse:
        def apply() -> desk.HandoffChange:
            with session_scope(context.sessions) as session:
                assignee = session.get(StaffUser, assignee_id) if assignee_id else None
                if assignee_id and assignee is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND, "no such staff member")
                actor = session.get(StaffUser, staff.id)
                return desk.change_owner(session, conversation_id=conversation_id,
                                         actor=actor, action=action, assignee=assignee)

        with answered_as({InvalidHandoff: status.HTTP_409_CONFLICT, **ACCESS_ERRORS}):
            change = await asyncio.to_thread(apply)
        await runtime.engine.publish_handoff_changed(conversation_id, change.as_event())
        return JSONResponse(change.as_event())

    @router.post("/c/{conversation_id}/claim")
    async def claim(conversation_id: str, staff: Checked):
        return await _handoff(conversation_id, staff, HandoffAction.CLAIM)

    @router.post("/c/{conversation_id}/assign")
    async def assign(conversation_id: str, request: Request, staff: Checked):
        require_role(staff, StaffRole.SUPERVISOR)
        form = await request.form()
        return await _handoff(conversation_id, staff, HandoffAction.CLAIM,
                              assignee_id=str(form.get("staff_id") or ""))

    @router.post("/c/{conversation_id}/release")
    async def release(conversation_id: str, staff: Checked):
        return await _handoff(conversation_id, staff, HandoffAction.RELEASE)

    @router.post("/c/{conversation_id}/hand-back")
    async def hand_back(conversation_id: str, staff: Checked):
        return await _handoff(conversation_id, staff, HandoffAction.HAND_BACK)

    @router.post("/c/{conversation_id}/close")
    async def close(conversation_id: str, staff: Checked):
        return await _handoff(conversation_id, staff, HandoffAction.CLOSE)

    @router.post("/c/{conversation_id}/messages")
    async def send_message(conversation_id: str, request: Request, staff: Checked):
        form = await request.form()
        text = str(form.get("text") or "").strip()
        if not text:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "empty message")
        if len(text) > 4000:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "message too long")

        def may_write() -> None:
            with context.sessions() as session, answered_as(ACCESS_ERRORS):
                desk.authorize_on(session, conversation_id=conversation_id, staff=staff,
                                  action=StaffAction.WRITE)

        await asyncio.to_thread(may_write)
        return await runtime.engine.send_staff_message(conversation_id, staff.id, text)

    @router.post("/c/{conversation_id}/notes")
    async def add_note(conversation_id: str, request: Request, staff: Checked):
        form = await request.form()

        def add() -> None:
            with session_scope(context.sessions) as session:
                desk.add_note(session, conversation_id=conversation_id,
                              staff=session.get(StaffUser, staff.id),
                              text=str(form.get("text") or ""))

        with answered_as({desk.DeskError: status.HTTP_422_UNPROCESSABLE_CONTENT}):
            await asyncio.to_thread(add)
        await runtime.engine.publish_case_updated(conversation_id, {"change": "staff_note"})
        return {"ok": True}

    # ------------------------------------------------------------------ personal data
    @router.post("/identifiers/{identifier_id}/reveal")
    async def reveal(identifier_id: str, request: Request, staff: Checked):
        form = await request.form()
        with answered_as(IDENTIFIER_ERRORS), session_scope(context.sessions) as session:
            value = views.reveal_identifier(session, identifier_id=identifier_id,
                                            staff=staff, reason=str(form.get("reason") or ""))
        return {"value": value}

    @router.post("/identifiers/{identifier_id}/correct")
    async def correct(identifier_id: str, request: Request, staff: Checked):
        form = await request.form()
        with (answered_as({desk.NotAllowed: status.HTTP_403_FORBIDDEN, **IDENTIFIER_ERRORS}),
              session_scope(context.sessions) as session):
            ident = session.get(Identifier, identifier_id)
            if ident is None:
                raise LookupError("no such identifier")
            desk.authorize_on(session, conversation_id=ident.case.conversation_id,
                              staff=staff, action=StaffAction.CORRECT_IDENTIFIER)
            new = correct_identifier(
                session, identifier_id=identifier_id, staff=staff,
                value=str(form.get("value") or ""),
                bank_code=str(form.get("bank_code") or "") or None,
                role=str(form.get("role") or "") or None)
            new_id, conversation_id = new.id, new.case.conversation_id
        await runtime.engine.publish_case_updated(conversation_id,
                                                  {"change": "identifier_corrected"})
        return {"id": new_id}

    @router.get("/evidence/{evidence_id}")
    def evidence_file(evidence_id: str, current: Current):
        staff = current[0]
        with session_scope(context.sessions) as session:
            item = session.get(Evidence, evidence_id)
            if item is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such evidence")
            audit.record(session, actor=f"staff:{staff.id}", action="view_evidence",
                         target_type="evidence", target_id=item.id)
            path = Path(item.storage_path)
        if not path.is_absolute():
            path = settings.var_dir / path
        try:
            with path.open("rb") as file:
                head = file.read(16)
        except OSError:
            raise HTTPException(status.HTTP_410_GONE, "evidence file missing") from None
        # Never the type a channel declared: the bytes decide, and only an allow-listed image
        # type or octet-stream goes out, as a download that may not run anything.
        content_type = served_content_type(head)
        extension = EVIDENCE_EXTENSIONS.get(content_type, ".bin")
        return FileResponse(path, media_type=content_type, headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="evidence-{evidence_id}{extension}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox"})

    # ------------------------------------------------------------------ supervisors
    @router.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request, current: Supervisor):
        with context.sessions() as session:
            entries = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())
                                      .limit(500)).all()
            names = {f"staff:{i}": n for i, n in
                     session.execute(select(StaffUser.id, StaffUser.display_name)).all()}
        return render(request, "audit.html", current, entries=entries, names=names)

    @router.get("/staff", response_class=HTMLResponse)
    def staff_page(request: Request, current: Supervisor, error: str | None = None):
        with context.sessions() as session:
            staff_list = _staff_list(session)
        return render(request, "staff.html", current, staff_list=staff_list, error=error)

    @router.post("/staff")
    async def staff_create(request: Request, staff: Checked):
        require_role(staff, StaffRole.SUPERVISOR)
        form = await request.form()
        with (answered_as({StaffError: status.HTTP_422_UNPROCESSABLE_CONTENT,
                           ValueError: status.HTTP_422_UNPROCESSABLE_CONTENT}),
              session_scope(context.sessions) as session):
            create_staff(session, username=str(form.get("username") or ""),
                         display_name=str(form.get("display_name") or ""),
                         password=str(form.get("password") or ""),
                         role=StaffRole(str(form.get("role") or "agent")),
                         created_by=f"staff:{staff.id}")
        return RedirectResponse("/console/staff", status.HTTP_303_SEE_OTHER)

    @router.get("/dashboard", response_class=HTMLResponse)
    def dashboard_page(request: Request, current: Current):
        with context.sessions() as session:
            data = views.dashboard(session, p0_alert_minutes=settings.p0_alert_minutes)
        t = translator(request.cookies.get(LANG_COOKIE, "th"))
        charts = {
            "by_type": bar_chart(data.by_type),
            "by_day": bar_chart(data.by_day, color="#7a4fb8"),
            "money": bar_chart([(t("lost"), float(data.lost_thb)),
                                (t("held"), float(data.held_thb))], color="#b8431d",
                               unit=" ฿"),
        }
        return render(request, "dashboard.html", current, data=data, charts=charts)

    # ------------------------------------------------------------------ live updates
    @router.websocket("/ws")
    async def live(websocket: WebSocket):
        staff_session = signer.read(websocket.cookies.get(SESSION_COOKIE))

        def active(staff_session: StaffSession) -> bool:
            with context.sessions() as session:
                staff = session.get(StaffUser, staff_session.staff_id)
                return (staff is not None and staff.is_active
                        and not _revoked(session, staff_session))

        if not same_origin(websocket.headers, settings.public_base_url):
            await websocket.close(code=4403)  # another site (or port) using the staff cookie
            return
        if staff_session is None or not await asyncio.to_thread(active, staff_session):
            await websocket.close(code=4401)
            return
        conversation_id = websocket.query_params.get("conversation")
        topic = conversation_topic(conversation_id) if conversation_id else STAFF_TOPIC
        await websocket.accept()
        subscription = runtime.events.subscribe([topic])

        async def forward() -> None:
            async for event in subscription:
                # the transcript's masking, off the event loop: full values only through
                # the audited reveal
                masked = await asyncio.to_thread(views.masked_live_event, event)
                await websocket.send_text(masked.to_json())

        forwarder = asyncio.create_task(forward())
        try:
            while True:  # the client only pings; a close ends the loop
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await forwarder

    return router


def _revoked(session, staff_session: StaffSession) -> bool:
    return session.scalar(select(ProcessedEvent.id).where(
        ProcessedEvent.source == SESSION_REVOKED,
        ProcessedEvent.event_id == staff_session.session_id)) is not None


def same_origin(headers, public_base_url: str) -> bool:
    """A browser's WebSocket from our own pages: its Origin is the public URL's origin or the
    origin of the host it connected to. No Origin header: not a browser (no ambient cookie
    risk), allowed."""
    origin = headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    public = urlsplit(public_base_url)
    allowed = {f"{public.scheme}://{public.netloc}".lower()}
    host = headers.get("host")
    if host:
        allowed |= {f"http://{host}".lower(), f"https://{host}".lower()}
    return origin in allowed


def _staff_list(session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.display_name)).all())
