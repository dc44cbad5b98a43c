"""The widget in a real browser (Debian's Chromium through Playwright): open the demo page,
report a scam in Thai, see the advice and the case number, reload and find the conversation
resumed without duplicates. Screenshots go to test-artifacts/."""

from __future__ import annotations

import uuid

import pytest
from channel_fakes import CASE_NUMBER, ThreadedServer

from sakot.app import create_app
from sakot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "channels"




@pytest.fixture
def site(tmp_path, fake_rasa):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path,
                        rasa_url=fake_rasa.url, redis_url=None, line_channel_secret=None,
                        line_channel_access_token=None)
    app = create_app(settings)
    server = ThreadedServer(app).start()
    server.app = app
    yield server
    server.stop()


def conversations(site) -> int:
    from sqlalchemy import func, select

    from bot.storage.models import Conversation

    with site.app.state.context.sessions() as s:
        return s.scalar(select(func.count()).select_from(Conversation))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_report_a_scam_then_reload_and_resume(browser, site):
    from playwright.sync_api import expect

    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("เดโม")
    page.wait_for_timeout(500)
    assert conversations(site) == 0  # merely loading a page with the widget starts no chat

    launcher = page.get_by_role("button", name="แจ้งเหตุถูกหลอก / ขอคำแนะนำ")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    textbox = page.get_by_label("พิมพ์ข้อความถึงสกัด")
    expect(textbox).to_be_focused()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_contain_text("ประกาศความเป็นส่วนตัว")  # greeting with the privacy notice

    textbox.fill("เมื่อกี้โดนหลอกโอนเงินค่าเสื้อไป 15,000 บาทค่ะ")
    textbox.press("Enter")
    expect(log).to_contain_text("รีบโทรหาธนาคารของคุณ")
    expect(log).to_contain_text(CASE_NUMBER)
    card = page.get_by_role("article", name=f"สรุปเคส {CASE_NUMBER}")
    expect(card).to_contain_text("แจ้งความภายใน")
    card.scroll_into_view_if_needed()
    assert card.bounding_box()["height"] > 150  # the whole card, not squeezed by the log
    yes = page.get_by_role("button", name="ใช่ โอนไปแล้ว")
    expect(yes).to_be_visible()
    shot(page, "widget-report")
    yes.click()
    expect(log).to_contain_text("โทรหาธนาคารของคุณตอนนี้เลย")

    user_bubbles = log.locator(".msg.user")
    count_before = user_bubbles.count()
    page.reload()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()  # stays open across the reload
    log = page.get_by_role("log")
    expect(log).to_contain_text(CASE_NUMBER)
    expect(log).to_contain_text("เมื่อกี้โดนหลอกโอนเงินค่าเสื้อไป 15,000 บาทค่ะ")
    expect(log.locator(".msg.user")).to_have_count(count_before)
    expect(log.locator(".card")).to_have_count(1)
    shot(page, "widget-resumed")

    # a staff member takes over: the widget says so, and their message shows as staff
    from sqlalchemy import select

    from bot.handoff import HandoffAction
    from bot.storage.models import Conversation, StaffUser

    app = site.app
    with app.state.context.sessions.begin() as s:
        staff = StaffUser(username="fon", display_name="Fon", password_hash="x")
        s.add(staff)
        s.flush()
        staff_id, conversation_id = staff.id, s.scalar(select(Conversation.id))
    engine = app.state.conversation_runtime.engine
    site.call(engine.change_handoff(conversation_id, HandoffAction.CLAIM,
                                    actor=f"staff:{staff_id}", staff_id=staff_id))
    site.call(engine.send_staff_message(conversation_id, staff_id, "สวัสดีค่ะ เจ้าหน้าที่ฝนค่ะ"))
    expect(dialog.get_by_role("status").first).to_have_text("คุณกำลังคุยกับเจ้าหน้าที่ (คนจริง)")
    expect(log.locator(".msg.staff")).to_contain_text("เจ้าหน้าที่ฝนค่ะ")
    shot(page, "widget-staff")

    page.get_by_label("พิมพ์ข้อความถึงสกัด").focus()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="แจ้งเหตุถูกหลอก / ขอคำแนะนำ")).to_be_focused()
    assert errors == []
    context.close()


def test_mobile_layout_fills_the_screen(browser, site):
    from playwright.sync_api import expect

    context = browser.new_context(locale="th-TH", viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site.url + "/")
    page.evaluate(f"localStorage.setItem('sakot.visitor', 'mobile{uuid.uuid4().hex[:10]}')")
    page.reload()
    page.get_by_role("button", name="แจ้งเหตุถูกหลอก / ขอคำแนะนำ").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["width"] >= 370 and box["height"] >= 700
    expect(page.get_by_role("log")).to_contain_text("สวัสดีค่ะ")
    shot(page, "widget-mobile")
    context.close()
