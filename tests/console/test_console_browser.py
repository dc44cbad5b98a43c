"""The staff console in a real browser (Debian's Chromium through Playwright), against the
real app on a real socket and a fake Rasa that answers over HTTP.

A staff member logs in; a visitor opens the demo page in a second browser context and asks
for a person in Thai; the chat shows up in the staff queue live; staff open and claim it and
the widget says a person is on the line; messages go both ways live; staff hand the chat back
and the bot answers again. Screenshots go to test-artifacts/console/."""

from __future__ import annotations


import pytest

from bot.staff import create_staff
from bot.storage.db import session_scope
from sakot.app import create_app
from sakot.settings import PROJECT_ROOT, Settings
from tests.channels.channel_fakes import ThreadedServer, fake_rasa_app
from tests.console.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "console"
LIVE = 10_000  # ms: well under the queue's 30-s safety reload, so "live" really is live

# widget texts (channels/web/static/widget.js) and fake-Rasa answers (tests/channels)
LAUNCHER = "แจ้งเหตุถูกหลอก / ขอคำแนะนำ"
WIDGET_INPUT = "พิมพ์ข้อความถึงสกัด"
STATE_WAITING = "กำลังรอเจ้าหน้าที่"
STATE_PERSON = "คุณกำลังคุยกับเจ้าหน้าที่ (คนจริง)"
STATE_BOT = "ผู้ช่วยอัตโนมัติกำลังดูแลคุณ"
ASK_FOR_HUMAN = "ขอคุยกับเจ้าหน้าที่ค่ะ"
BOT_HANDS_OVER = "กำลังส่งต่อให้เจ้าหน้าที่ค่ะ"




@pytest.fixture
def fake_rasa():
    app = fake_rasa_app()
    server = ThreadedServer(app, lifespan="off").start()
    server.app = app
    yield server
    server.stop()


@pytest.fixture
def site(tmp_path, fake_rasa):
    """The whole app (widget, engine, console) on 127.0.0.1:<port>, one staff member."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path,
                        rasa_url=fake_rasa.url, redis_url=None, line_channel_secret=None,
                        line_channel_access_token=None)
    app = create_app(settings)
    fake_rasa.app.state.sessions = app.state.context.sessions  # it hands chats to staff
    with session_scope(app.state.context.sessions) as session:
        create_staff(session, username="fon", display_name="ฝน ใจดี", password=PASSWORD)
    server = ThreadedServer(app).start()
    yield server
    server.stop()


class Watch:
    """Fails the test on any script error or alert() box (the console alerts failed actions)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, context, name: str):
        page = context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"{name}: {exc}"))
        page.on("dialog", lambda d: (self.problems.append(f"{name} alert: {d.message}"),
                                     d.dismiss()))
        return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, password: str = PASSWORD) -> None:
    page.get_by_label("ชื่อผู้ใช้").fill("fon")
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def mark_page(page) -> None:
    """Tag the loaded document, so `still_same_page` can tell a live update from a reload."""
    page.evaluate("window.__sakotTestMark = 'no-reload'")


def still_same_page(page) -> bool:
    return page.evaluate("window.__sakotTestMark") == "no-reload"


def wait_until(page, condition, timeout_ms: int = 5000) -> None:
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def test_login_rejects_a_wrong_password_and_lands_on_the_queue(browser, site):
    from playwright.sync_api import expect

    watch = Watch()
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 800})
    page = watch.page(context, "console")
    page.goto(site.url + "/console/")
    expect(page).to_have_url(site.url + "/console/login")  # not logged in: sent to the login
    expect(page.get_by_role("alert")).to_have_count(0)

    log_in(page, password="wrong password!")
    expect(page.get_by_role("alert")).to_contain_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    expect(page.get_by_label("รหัสผ่าน")).to_have_value("")
    shot(page, "login-wrong-password")

    log_in(page)  # the form after an error carries a fresh CSRF token
    expect(page).to_have_url(site.url + "/console/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("คิวเรื่อง")
    expect(page.get_by_text("ไม่มีเรื่องในคิว")).to_be_visible()
    expect(page.get_by_role("navigation")).to_contain_text("ฝน ใจดี")
    shot(page, "queue-empty")
    assert watch.problems == []
    context.close()


def test_visitor_asks_for_a_person_staff_take_over_and_hand_back(browser, site):
    from playwright.sync_api import expect

    watch = Watch()
    staff_context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900})
    visitor_context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 860})

    # staff are logged in and watching an empty queue
    console = watch.page(staff_context, "console")
    console.goto(site.url + "/console/login")
    log_in(console)
    expect(console.get_by_text("ไม่มีเรื่องในคิว")).to_be_visible()
    rows = console.locator("#queue tbody tr")
    expect(rows).to_have_count(0)

    # (2) a visitor opens the demo page and asks for a person, in Thai
    visitor = watch.page(visitor_context, "widget")
    visitor.goto(site.url + "/")
    visitor.get_by_role("button", name=LAUNCHER).click()
    dialog = visitor.get_by_role("dialog")
    chat_log = visitor.get_by_role("log")
    expect(chat_log).to_contain_text("สวัสดีค่ะ")  # the bot's greeting
    panel_state = dialog.get_by_role("status").first
    expect(panel_state).to_have_text(STATE_BOT)
    textbox = visitor.get_by_label(WIDGET_INPUT)
    textbox.fill(ASK_FOR_HUMAN)
    textbox.press("Enter")
    expect(chat_log).to_contain_text(BOT_HANDS_OVER)
    expect(panel_state).to_contain_text(STATE_WAITING)
    shot(visitor, "widget-waiting-for-staff")

    # ... and the chat appears in the staff queue without anyone reloading it
    expect(rows).to_have_count(1, timeout=LIVE)
    row = rows.first
    expect(row).to_contain_text("รอเจ้าหน้าที่")
    expect(row).to_contain_text("web")
    expect(row.get_by_role("button", name="รับเรื่อง")).to_be_visible()
    expect(console.get_by_text("ไม่มีเรื่องในคิว")).to_have_count(0)
    shot(console, "queue-waiting")

    # (3) staff open the chat and claim it; the widget shows a person is on the line
    conversation_id = row.get_attribute("data-conversation")
    link = row.get_by_role("link")
    expect(link).to_have_text(f"แชท {conversation_id[:8]}")  # no case yet: named by the chat
    link.click()
    expect(console).to_have_url(f"{site.url}/console/c/{conversation_id}")
    transcript = console.locator("#messages")
    expect(transcript).to_contain_text(ASK_FOR_HUMAN)
    expect(transcript).to_contain_text(BOT_HANDS_OVER)
    expect(console.locator("#handoff-state")).to_have_text("รอเจ้าหน้าที่")
    console.get_by_role("button", name="รับเรื่อง").click()
    expect(console.locator("#handoff-state")).to_have_text("เจ้าหน้าที่ดูแล")
    expect(panel_state).to_have_text(STATE_PERSON, timeout=LIVE)
    expect(dialog).to_have_attribute("data-handoff", "staff")
    shot(visitor, "widget-talking-to-a-person")

    # (4) staff write to the visitor; the visitor's answer shows in the console live
    console.wait_for_load_state()
    mark_page(console)
    composer = console.get_by_label("พิมพ์ข้อความถึงผู้เสียหาย")
    composer.fill("สวัสดีค่ะ เจ้าหน้าที่ฝนรับเรื่องแล้วนะคะ โทรหาธนาคารแล้วหรือยังคะ")
    console.get_by_role("button", name="ส่ง", exact=True).click()
    expect(composer).to_have_value("")
    staff_bubble = chat_log.locator(".msg.staff")
    expect(staff_bubble).to_have_count(1, timeout=LIVE)
    expect(staff_bubble).to_contain_text("เจ้าหน้าที่ฝนรับเรื่องแล้วนะคะ")
    expect(transcript.locator(".msg.staff")).to_contain_text("เจ้าหน้าที่ฝนรับเรื่องแล้วนะคะ")

    bot_bubbles_before = chat_log.locator(".msg.bot").count()
    textbox.fill("โทรแล้วค่ะ ธนาคารบอกให้ไปแจ้งความก่อน")
    textbox.press("Enter")
    expect(transcript).to_contain_text("ธนาคารบอกให้ไปแจ้งความก่อน", timeout=LIVE)
    assert still_same_page(console), "the console reloaded instead of updating live"
    expect(transcript.locator(".msg.user").last).to_contain_text("ธนาคารบอกให้ไปแจ้งความก่อน")
    visitor.wait_for_timeout(700)  # the bot keeps quiet while a person owns the chat
    expect(chat_log.locator(".msg.bot")).to_have_count(bot_bubbles_before)
    expect(panel_state).to_have_text(STATE_PERSON)
    shot(console, "conversation-live")
    shot(visitor, "widget-staff-conversation")

    # (5) staff hand the chat back: the widget leaves the person state, the bot answers again
    console.get_by_role("button", name="ส่งคืนให้บอท").click()
    expect(console.locator("#handoff-state")).to_have_text("บอทดูแล")
    expect(panel_state).to_have_text(STATE_BOT, timeout=LIVE)
    expect(dialog).to_have_attribute("data-handoff", "bot")
    textbox.fill("ขอบคุณค่ะ")
    textbox.press("Enter")
    expect(chat_log.locator(".msg.bot").last).to_contain_text("รับทราบค่ะ: ขอบคุณค่ะ",
                                                               timeout=LIVE)
    expect(transcript).to_contain_text("รับทราบค่ะ: ขอบคุณค่ะ", timeout=LIVE)
    shot(visitor, "widget-back-to-bot")
    shot(console, "conversation-handed-back")

    console.goto(site.url + "/console/")  # the chat has left the queue
    expect(rows).to_have_count(0)
    assert watch.problems == []
    staff_context.close()
    visitor_context.close()



def test_live_views_catch_up_after_the_live_feed_was_down(browser, site):
    """Events published while the console's WebSocket is down are not replayed: the queue and
    the conversation page must re-read the server's state when the socket (re)connects, not
    wait for the next event (or the queue's 30-s safety reload)."""
    import re

    from playwright.sync_api import expect

    watch = Watch()
    staff_context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900})
    visitor_context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 860})
    console = watch.page(staff_context, "console")
    hold_next, held = [True], []

    def feed(ws) -> None:
        if hold_next[0]:  # the page believes it is connected; the server never hears of it
            hold_next[0] = False
            held.append(ws)
        else:
            ws.connect_to_server()

    console.route_web_socket(re.compile(r"/console/ws"), feed)
    console.goto(site.url + "/console/login")
    log_in(console)
    expect(console.get_by_text("ไม่มีเรื่องในคิว")).to_be_visible()
    rows = console.locator("#queue tbody tr")
    wait_until(console, lambda: held)  # the queue's live feed is cut off

    visitor = watch.page(visitor_context, "widget")
    visitor.goto(site.url + "/")
    visitor.get_by_role("button", name=LAUNCHER).click()
    chat_log = visitor.get_by_role("log")
    expect(chat_log).to_contain_text("สวัสดีค่ะ")
    textbox = visitor.get_by_label(WIDGET_INPUT)
    textbox.fill(ASK_FOR_HUMAN)
    textbox.press("Enter")
    expect(visitor.get_by_role("dialog")).to_have_attribute("data-handoff",
                                                             "waiting_for_staff")
    console.wait_for_timeout(1000)
    expect(rows).to_have_count(0)  # missed: nothing told the queue

    held.pop().close()  # the feed drops; the console reconnects (for real this time)
    expect(rows).to_have_count(1, timeout=LIVE)
    conversation_id = rows.first.get_attribute("data-conversation")
    rows.first.get_by_role("button", name="รับเรื่อง").click()
    expect(console).to_have_url(f"{site.url}/console/c/{conversation_id}")
    transcript = console.locator("#messages")
    expect(transcript).to_contain_text(BOT_HANDS_OVER)

    hold_next[0] = True  # the conversation page's feed is cut off too
    console.reload()
    expect(console.locator("#handoff-state")).to_have_text("เจ้าหน้าที่ดูแล")
    wait_until(console, lambda: held)
    mark_page(console)
    textbox.fill("ยังรออยู่นะคะ")
    textbox.press("Enter")
    expect(chat_log.locator(".msg.user").last).to_contain_text("ยังรออยู่นะคะ")
    expect(chat_log.locator(".msg.pending")).to_have_count(0)  # stored by the server
    console.wait_for_timeout(1000)
    expect(transcript).not_to_contain_text("ยังรออยู่นะคะ")  # missed

    held.pop().close()
    expect(transcript).to_contain_text("ยังรออยู่นะคะ", timeout=LIVE)
    assert still_same_page(console)  # caught up in place: nothing to reload for
    expect(transcript).not_to_contain_text("/greet")  # control commands are not the victim's
    shot(console, "conversation-caught-up")
    assert watch.problems == []
    staff_context.close()
    visitor_context.close()
