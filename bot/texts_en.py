"""Every English string Sakot says to a victim (same keys as ``bot.texts_th``).

Placeholders are filled by ``bot.texts_catalog.say`` from ``bot.hotlines``. The police
complaint draft stays Thai (the police site is Thai); only its explanation is translated.
"""

TEXTS: dict[str, str] = {
    "privacy_notice": (
        "Sakot is an automated assistant for online-scam victims. It is not AOC and not the "
        "police, and it never asks for an OTP, PIN, password or any fee.\n"
        "We keep what you tell us (what happened, accounts, phone numbers, amounts) to help "
        "hold the money, and share it only with your bank, the AOC centre and the police. "
        "Type \"delete my data\" at any time.\n"
        "Details: {privacy_url}"
    ),
    "greet": "Hello. Tell me what happened, in your own words; several messages are fine.",
    "ask_story": "Tell me what happened, in your own words.",
    "hang_up_now": (
        "Hang up (or stop replying to the chat) now, and do not transfer any more money.\n"
        "Police and government agencies never ask you to transfer money to be checked.\n"
        "If you already transferred, call your bank or {aoc} right away."
    ),
    "cut_internet": (
        "If a strange app may be on your phone, turn off Wi-Fi and mobile data first "
        "(airplane mode), then call your bank from another phone."
    ),
    "cut_internet_now": (
        "Money is leaving now: turn off Wi-Fi and mobile data on this phone right away "
        "(airplane mode), then call your bank from another phone, not this one."
    ),
    "call_bank_known": (
        "Urgent: call {bank_name} on {bank_hotline} now to hold the money you sent, and ask "
        "for the Bank Case ID.\n"
        "Or call {aoc} (AOC, 24 hours)."
    ),
    "call_bank_known_menu": (
        "Urgent: call {bank_name} on {bank_hotline} now, say you were scammed and ask for the "
        "fraud / account-freeze menu to hold the money you sent, and ask for the Bank Case ID.\n"
        "Or call {aoc} (AOC, 24 hours)."
    ),
    "call_bank_no_number": (
        "Urgent: call {bank_name} now (the number is on the back of your card or in the bank "
        "app) to hold the money, and ask for the Bank Case ID.\n"
        "Or call {aoc} (AOC, 24 hours)."
    ),
    "call_bank_unknown": (
        "Urgent: call your bank now (the number is on the back of your card or in the bank "
        "app) or {aoc} (AOC, 24 hours) to hold the money you sent.\n"
        "Tell me your bank and I will give you its number."
    ),
    "bank_number_followup": "{bank_name}: {bank_hotline}. Call them now.",
    "while_you_call": "While you wait on the line, you can answer a few short questions.",
    "confirm_type": "This sounds like \"{type_label}\". Is that right?",
    "choose_type": "Choose the closest one:",
    "type_noted": "Noted: {type_label}",
    "ask_money_lost": "Have you already transferred or lost money?",
    "ask_transfer_time": "When was the last transfer? For example \"10 minutes ago\" or \"yesterday 14:30\".",
    "ask_amount": "How much did you transfer in total?",
    "ask_victim_bank": "Which bank or wallet did you transfer from?",
    "ask_destination": (
        "Where did the money go? Type the bank and account number, or the PromptPay / "
        "wallet number it went to."
    ),
    "not_understood_slot": "Sorry, I didn't get that. If you don't know, tap \"Don't know\".",
    "noted_facts": "Noted: {facts}",
    "fact_amount": "{amount} baht",
    "fact_time": "at {time}",
    "fact_bank": "from {bank_name}",
    "fact_destination": "to {destination}",
    "case_number": "Your case number is {case_number}. Quote it when you contact us.",
    "escalated": (
        "I have sent the urgent details (destination account, amount, transfer time) to the "
        "coordination system with AOC and the receiving bank to request a hold.\n"
        "A Sakot staff member will join this chat soon. Please still call your own bank: the "
        "legal hold starts when the account holder tells their bank."
    ),
    "escalated_no_packet": (
        "I have put your case in the staff's urgent queue; someone will join this chat soon.\n"
        "Meanwhile, call your bank or {aoc} first."
    ),
    "police_step": (
        "Next: file a police complaint online at {police_site} by {deadline} (we cannot file "
        "it for you).\n"
        "Case type to choose: \"{police_label}\"\n"
        "Below is a ready-made Thai text to paste into the details box."
    ),
    "police_step_late": (
        "Next: file a police complaint online at {police_site} as soon as possible (we "
        "cannot file it for you).\n"
        "More than 72 hours have passed, so the hold window may be over, but you can still "
        "file and ask for a refund through the authorities.\n"
        "Case type to choose: \"{police_label}\"\n"
        "Below is a ready-made Thai text to paste."
    ),
    "evidence": "Keep all evidence: transfer slips, chats, links, phone numbers and screenshots showing dates.",
    "no_loss_done": "Good that you haven't lost money.",
    "closing_help": "Write any time if there is more, or type \"talk to a human\".",
    "status_text_open": "in progress",
    "status_text_escalated": "sent urgently, waiting for staff",
    "status_text_closed": "closed",
    "priority_P0": "most urgent",
    "priority_P1": "urgent",
    "priority_P2": "advice",
    "handoff_requested": (
        "I've passed your chat to our staff; they will reply here soon.\n"
        "If you just transferred money, call your bank or {aoc} while you wait."
    ),
    "status_none": "There is no case in this chat yet. Tell me what happened.",
    "status": "Case {case_number}: {status_text}\nType: {type_label}\nUrgency: {priority_text}",
    "status_packet_sent": "hold request delivered to the coordination system",
    "status_packet_pending": "hold request being sent",
    "status_deadline": "file at {police_site} by {deadline}",
    "status_held": "the receiving bank has held {amount} baht",
    "identifier_ask": "Type the phone number, account number or link you want me to check.",
    "identifier_reported": (
        "{identifier}: reported to Sakot {count} times.\nDo not transfer money or share any details."
    ),
    "identifier_not_reported": (
        "{identifier}: not in the reports Sakot has received.\n"
        "That does not mean it is safe. If someone rushes you to transfer money, stop and check first."
    ),
    "delete_confirm": (
        "Do you want to delete your data in this chat?\n"
        "Anything already sent to a bank or the authorities stays with them, as the law requires."
    ),
    "deleted": (
        "Your data has been deleted (messages, account numbers, phone numbers, case details).\n"
        "What was already sent to law enforcement is kept by them as the law requires; we "
        "cannot delete it there."
    ),
    "deleted_kept_case": "Case number {case_number} remains so staff can follow up on what was sent.",
    "delete_cancelled": "Nothing was deleted; your data is unchanged.",
    "distress": (
        "I can tell this is very hard. You are not alone.\n"
        "You can talk to the mental-health hotline {mental_health}, 24 hours a day. If you are "
        "in danger right now, call {ems} or {police_emergency}.\n"
        "A Sakot staff member is joining this chat."
    ),
    "recovery_warning": (
        "Careful: this is a second-round scam. No real agency or lawyer charges a fee to "
        "recover scam money.\n"
        "AOC has no LINE or Facebook account, only the {aoc} hotline; police complaints go "
        "only through {police_site}.\n"
        "Do not transfer money or send your ID card to anyone."
    ),
    "bot_challenge": (
        "I am an automated assistant (a bot), not AOC and not the police. I never ask for an "
        "OTP, PIN, password or fee.\n"
        "To talk to a person, tap the button below."
    ),
    "thanks": "You're welcome. Take care, and write any time.",
    "goodbye": "Take care. Write any time if you need more help.",
    "out_of_scope": (
        "Sorry, I can't help with that. I help with online scams, such as money sent to a "
        "scammer or a suspicious link or number."
    ),
    "fallback": "Sorry, I'm not sure I understood. Tell me again briefly, or choose below.",
    "bank_number_info": "{bank_name}: {bank_hotline}.",
    "general_answer": (
        "Official numbers to keep: the AOC centre {aoc} (24 hours), online police reports at "
        "{police_site}, and your bank's number on the back of your card or in its app.\n"
        "If something happened to you or someone close to you, tell me and I will help."
    ),
    "frozen_account": (
        "If your own account was frozen without your knowledge, contact your bank and call "
        "{aoc_unfreeze} or CCIB {ccib}.\n"
        "If unknown money arrived in your account, don't withdraw or forward it; tell your bank.\n"
        "Never rent or lend your account or SIM: that is a crime (mule account)."
    ),
    "advice_intro": "What to do:",
    "correct_hint": "If any detail is wrong, just type the correct one.",
    "updated": "Case {case_number} has been updated.",
    "slip_received": "Slip received; it is saved as evidence in your case.",
    "evidence_received": "File received; it is saved as evidence.",
    "evidence_no_case": "File received. Can you tell me what happened?",
    "system_error": (
        "Sorry, something went wrong on our side. If you just transferred money, call your "
        "bank or {aoc} now, then write to me again."
    ),
    "on_line_escalated": "Your case is in the staff's urgent queue; someone will join this chat soon.",
    "btn_yes": "Yes",
    "btn_no": "No",
    "btn_lost_yes": "Yes, money lost",
    "btn_lost_no": "No money lost",
    "btn_dont_know": "Don't know",
    "btn_human": "Talk to a human",
    "btn_report": "Report a scam",
    "btn_delete_yes": "Delete my data",
    "btn_delete_no": "Cancel",
    "btn_status": "Case status",
    "advice_online_shopping": (
        "• Stop paying extra \"shipping, tax or insurance\" fees the seller adds.\n"
        "• Save the post/page link, seller profile, chat and the account name you paid.\n"
        "• Report the page to the platform."
    ),
    "advice_impersonation": (
        "• Call your friend or relative on the number you already have before sending money.\n"
        "• If your own LINE/Facebook was taken over, warn your contacts and recover it."
    ),
    "advice_romance": (
        "• Stop paying \"customs\" or \"parcel release\" fees or investments your online partner asks for.\n"
        "• Save their profile, photos and dating-app/LINE IDs.\n"
        "• This happens to many people; it is not your fault."
    ),
    "advice_prize_fee": (
        "• Real prizes never require a fee, tax or verification payment first.\n"
        "• Don't enter your ID or OTP on links they send."
    ),
    "advice_loan": (
        "• Real lenders don't charge a fee or deposit before paying out.\n"
        "• Uninstall unknown loan apps (they harvest your contacts).\n"
        "• Threatening debt collection can be reported to police hotline {police_1599}."
    ),
    "advice_job_task": (
        "• Real jobs never make you pay or \"top up to withdraw\".\n"
        "• Stop depositing now, even if told one more task unlocks everything.\n"
        "• Never rent or sell your bank account or SIM: it is a crime."
    ),
    "advice_call_center": (
        "• Police, DSI, AMLO and courts never ask you to transfer money to be checked or to a \"safe account\".\n"
        "• Hang up and call the agency's official number yourself.\n"
        "• Don't install apps or click links they send; tell your family."
    ),
    "advice_remote_app": (
        "• Turn off Wi-Fi and mobile data now (airplane mode), then remove unknown apps.\n"
        "• Call your bank from another phone and ask to suspend mobile banking.\n"
        "• Change banking passwords from a clean device.\n"
        "• Android: check Settings > Apps > Special access for strange apps."
    ),
    "advice_hacking": (
        "• Recover the account, turn on two-step verification, sign out unknown sessions.\n"
        "• Ask the bank to block cards and dispute debits you did not make."
    ),
    "advice_ransomware": (
        "• Disconnect the machine from the network and don't pay.\n"
        "• Keep the ransom note as evidence."
    ),
    "advice_investment": (
        "• Check the licence with the SEC (SEC Check First app or {sec}).\n"
        "• Real firms don't take deposits into personal accounts or charge \"tax\" to withdraw.\n"
        "• The profit shown in the app is fake; stop topping up."
    ),
    "advice_crypto": (
        "• Stop topping up or paying \"tax\" to withdraw; the platform balance is fake.\n"
        "• Write down wallet addresses, P2P order IDs and the platform link.\n"
        "• Check licences with the SEC: {sec}."
    ),
    "advice_ponzi": (
        "• Unusually high returns paid from new members' money is a Ponzi scheme; stop paying in.\n"
        "• Keep the invitations and transfer records; tip the SEC at {sec}."
    ),
    "advice_other": (
        "• Stop contacting and paying the suspicious person.\n"
        "• Keep all evidence; {aoc} can advise you 24 hours a day."
    ),
    "unknown": "unknown",
    "unknown_bank": "your bank",
}

TYPE_BUTTONS: dict[str, str] = {
    "online_shopping": "Online shopping",
    "job_task": "Job / tasks",
    "investment": "Investment",
    "call_center": "Threatening call",
    "loan": "Loan",
    "impersonation": "Fake friend/relative",
    "prize_fee": "Prize / fee",
    "remote_app": "Remote-control app",
    "romance": "Romance",
    "crypto": "Crypto",
    "hacking": "Hacked account",
    "ponzi": "Ponzi scheme",
    "other": "Other",
}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DATETIME_FORMAT = "{weekday} {day} {month} {year}, {hh:02d}:{mm:02d} (Bangkok time)"

# Status changes of freeze requests, reported by the exchange (see bot/cases/freeze_updates.py).
TEXTS.update({
    "freeze_status_pending": "The hold request was sent to {bank}; waiting for the bank to check "
                             "(case {case_number}).",
    "freeze_status_held": "{bank} has held THB {amount} (bank reference {bank_case_id}, case "
                          "{case_number}). Please file a police report at {police_site} within "
                          "72 hours so the hold stays in place.",
    "freeze_status_not_found": "{bank} could not find the destination account you gave (case "
                               "{case_number}). Staff will check the number with you, or call "
                               "{aoc}.",
    "freeze_status_insufficient_funds": "{bank} reports no money left to hold in the destination "
                                        "account (case {case_number}). Still file a police report "
                                        "at {police_site} so the money can be traced.",
    "freeze_status_released": "{bank} reports the hold has been released (case {case_number}). "
                              "If anything is unclear, call {aoc}, 24 hours.",
})

# When the dialogue engine does not answer (bot/conversation/engine.py).
TEXTS.update({
    "dialogue_unavailable_bank": (
        "Sorry, our replies are down for a moment. Your message is saved and staff will contact "
        "you as soon as possible.\n"
        "If you just transferred money to a scammer, call your bank ({bank_name}, "
        "{bank_hotline}) now to ask them to hold the destination account, or call the {aoc} "
        "hotline (AOC, 24 hours)."
    ),
    "dialogue_unavailable": (
        "Sorry, our replies are down for a moment. Your message is saved and staff will contact "
        "you as soon as possible.\n"
        "If you just transferred money to a scammer, call your bank (the number on the back of "
        "your card or in your banking app) now to ask them to hold the destination account, or "
        "call the {aoc} hotline (AOC, 24 hours)."
    ),
})

# "Is this a scam?" with the message pasted (bot/intake/core.py).
TEXTS.update({
    "lure_check": "This message looks like a \"{type_label}\" scam.",
    "lure_check_generic": "This message looks like a scam message.",
    "lure_check_steps": (
        "Don't tap its link, add its LINE, call back its number, pay or give any details; "
        "delete or block it. If you are unsure, contact the organisation yourself through its "
        "official number or app, not through the message."
    ),
    "lure_check_if_done": (
        "If you already tapped the link, typed in details, installed an app or paid, tell me "
        "and I'll help with the next steps right away."
    ),
})

# While the chat waits for staff, only a victim in danger right now gets the bot's first steps.
TEXTS.update({
    "waiting_urgent_staff": "Staff are on the way and will take it from here; your message is saved.",
})

# A case card as plain text (bot/conversation/types.py Reply.fallback_text).
TEXTS.update({
    "card_case_number": "Case number {case_number}",
    "card_scam_type": "Type: {label}",
    "card_priority": "Priority: {priority}",
    "card_amount": "Amount: {amount} baht",
    "card_destination": "Destination account: {destination}",
    "card_deadline": "File the police report by: {deadline}",
})
