"""Console interface strings, Thai first (the hotline's working language) with English."""

from __future__ import annotations

LANGUAGES = ("th", "en")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"th": "คอนโซลเจ้าหน้าที่ สกัด", "en": "Sakot staff console"},
    "login": {"th": "เข้าสู่ระบบ", "en": "Log in"},
    "logout": {"th": "ออกจากระบบ", "en": "Log out"},
    "username": {"th": "ชื่อผู้ใช้", "en": "Username"},
    "password": {"th": "รหัสผ่าน", "en": "Password"},
    # one answer for every refusal (issue 14 S7): it must not tell whether the account exists
    "bad_login": {"th": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง หรือถูกระงับชั่วคราวเพราะลองผิดหลายครั้ง "
                        "กรุณารอ {minutes} นาทีแล้วลองใหม่",
                  "en": "Wrong username or password, or temporarily blocked after repeated "
                        "failures; wait {minutes} minutes and try again"},
    "locked": {"th": "บัญชีถูกล็อกชั่วคราวจนถึง {until}", "en": "Account locked until {until}"},
    "queue": {"th": "คิวเรื่อง", "en": "Queue"},
    "dashboard": {"th": "แดชบอร์ด", "en": "Dashboard"},
    "audit": {"th": "บันทึกการเข้าถึง", "en": "Audit log"},
    "staff": {"th": "เจ้าหน้าที่", "en": "Staff"},
    "priority": {"th": "ความเร่งด่วน", "en": "Priority"},
    "case": {"th": "เลขเคส", "en": "Case"},
    "chat": {"th": "แชท", "en": "Chat"},
    "type": {"th": "ประเภท", "en": "Type"},
    "channel": {"th": "ช่องทาง", "en": "Channel"},
    "state": {"th": "สถานะ", "en": "State"},
    "waiting": {"th": "รอมาแล้ว", "en": "Waiting"},
    "time_left": {"th": "เหลือเวลา 72 ชม.", "en": "72-h clock left"},
    "owner": {"th": "ผู้รับผิดชอบ", "en": "Owner"},
    "claim": {"th": "รับเรื่อง", "en": "Claim"},
    "assign": {"th": "มอบหมาย", "en": "Assign"},
    "release": {"th": "คืนเข้าคิว", "en": "Release to queue"},
    "hand_back": {"th": "ส่งคืนให้บอท", "en": "Hand back to bot"},
    "close": {"th": "ปิดเรื่อง", "en": "Close"},
    "send": {"th": "ส่ง", "en": "Send"},
    "message_placeholder": {"th": "พิมพ์ข้อความถึงผู้เสียหาย…", "en": "Message to the victim…"},
    "note": {"th": "บันทึกภายใน (ผู้เสียหายไม่เห็น)", "en": "Private note (victim never sees it)"},
    "add_note": {"th": "เพิ่มบันทึก", "en": "Add note"},
    "canned": {"th": "ข้อความสำเร็จรูป", "en": "Canned replies"},
    "identifiers": {"th": "ข้อมูลที่ดึงได้", "en": "Extracted identifiers"},
    "reveal": {"th": "แสดงข้อมูลเต็ม", "en": "Reveal"},
    "reveal_reason": {"th": "เหตุผลในการเปิดดู (บันทึกไว้)", "en": "Reason (audited)"},
    "correct": {"th": "แก้ไข", "en": "Correct"},
    "freeze": {"th": "สถานะการอายัด", "en": "Freeze requests"},
    "evidence": {"th": "หลักฐาน", "en": "Evidence"},
    "complaint": {"th": "ร่างคำร้องทุกข์", "en": "Police complaint draft"},
    "cluster": {"th": "รายงานอื่นที่ระบุบัญชีเดียวกัน", "en": "Other reports naming the same account"},
    "timeline": {"th": "ไทม์ไลน์", "en": "Timeline"},
    "p0_alert": {"th": "มีเรื่อง P0 ที่ยังไม่มีผู้รับเกิน {minutes} นาที!",
                 "en": "P0 chat unclaimed for over {minutes} minutes!"},
    "empty_queue": {"th": "ไม่มีเรื่องในคิว", "en": "The queue is empty"},
    "dead_packets_alert": {
        "th": "คำขออายัด {count} รายการส่งไม่ถึงระบบแลกเปลี่ยนข้อมูลของ AOC และระบบจะไม่ส่งซ้ำเอง "
              "ต้องให้เจ้าหน้าที่ตรวจสอบ:",
        "en": "{count} freeze request(s) could not be delivered to the AOC exchange and will not "
              "be retried; a person must check them:"},
    "cases_by_type": {"th": "เคสตามประเภท", "en": "Cases by type"},
    "cases_by_day": {"th": "เคสรายวัน", "en": "Cases by day"},
    "lost_vs_held": {"th": "เงินที่แจ้งสูญเสีย เทียบกับที่อายัดได้", "en": "Money reported lost vs held"},
    "median_escalation": {"th": "ค่ามัธยฐานนาทีจากข้อความแรกถึงการส่งต่อ",
                          "en": "Median minutes from first message to escalation"},
    "sla_breaches": {"th": "จำนวนครั้งที่เกิน SLA", "en": "SLA breaches"},
    "lost": {"th": "แจ้งสูญเสีย", "en": "Reported lost"},
    "held": {"th": "อายัดได้", "en": "Held"},
    "create_staff": {"th": "เพิ่มเจ้าหน้าที่", "en": "Add staff member"},
    "role": {"th": "บทบาท", "en": "Role"},
    "display_name": {"th": "ชื่อที่แสดง", "en": "Display name"},
    "live": {"th": "สด", "en": "Live"},
    "state_bot": {"th": "บอทดูแล", "en": "Bot"},
    "state_waiting_for_staff": {"th": "รอเจ้าหน้าที่", "en": "Waiting for staff"},
    "state_staff": {"th": "เจ้าหน้าที่ดูแล", "en": "Staff"},
    "state_closed": {"th": "ปิดแล้ว", "en": "Closed"},
    "no_case": {"th": "ยังไม่มีเคส", "en": "No case yet"},
    "language": {"th": "English", "en": "ภาษาไทย"},
    "sender_user": {"th": "ผู้เสียหาย", "en": "Victim"},
    "sender_bot": {"th": "บอท", "en": "Bot"},
    "sender_staff": {"th": "เจ้าหน้าที่", "en": "Staff"},
    "sender_system": {"th": "ระบบ", "en": "System"},
}


def translator(lang: str):
    lang = lang if lang in LANGUAGES else "th"

    def t(key: str, **values) -> str:
        text = STRINGS.get(key, {}).get(lang) or STRINGS.get(key, {}).get("th") or key
        return text.format(**values) if values else text

    return t
