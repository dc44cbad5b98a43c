"""``analyze_text``: one message in, one typed ``Extraction`` out. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.banks import BY_CODE, BankCode, InstitutionKind, account_length_ok
from bot.clock import BANGKOK, aware_utc
from bot.understanding import lists
from bot.understanding.amount_roles import paid_total
from bot.understanding.amounts import find_amounts
from bot.understanding.bank_mentions import find_bank_mentions
from bot.understanding.entities import (
    Account,
    Amount,
    BankMention,
    Email,
    Entity,
    LineId,
    NationalId,
    Phone,
    PromptPayId,
    PromptPayIdType,
    Role,
    SocialHandle,
    TransactionRef,
    TransferTime,
    Url,
)
from bot.understanding.identifiers import Found, find_identifiers
from bot.understanding.normalize import Normalized, normalize
from bot.understanding.promptpay_qr import find_qr_payments
from bot.understanding.spans import Claims
from bot.understanding.times import find_times
from bot.understanding.web import find_handles, find_refs, find_urls_emails

MAX_TEXT_CHARS = 100_000

_ARROWS = "→|->|=>|➡|⇒|➔|⟶"
_DEST_BEFORE = re.compile(
    rf"(?i)(?P<dest>{_ARROWS}|"
    r"โอนเข้า|โอนไป|โอนให้|โอนมา|เข้าบัญชี|ไปที่|ไปยัง|ไปบัญชี|ไปเข้า|ปลายทาง|บัญชีม้า|"
    r"ของมิจ\w*|ของคนร้าย|ของคนขาย|ของแม่ค้า|ของร้าน|ของสแกมเมอร์|ให้โอน|ที่ให้โอน|ผู้รับ|"
    r"ชื่อบัญชี|บัญชีคนร้าย|บัญชีมิจ|โอน|ไป|เข้า|ถึง|(?<![a-z])to(?![a-z])|payee|recipient|"
    r"scammer'?s?|beneficiary)|"
    r"(?P<src>จากบัญชี|โอนจาก|ออกจาก|จาก|บัญชีของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง|แม่|พ่อ|ยาย|ตา)|"
    r"ของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง|กู|เค้า\s?เอง)|บัญชี(?:เรา|ตัวเอง|หนู|ผม|ฉัน|ดิฉัน)|"
    r"ต้นทาง|ผู้โอน|"
    r"(?<![a-z])from(?![a-z])|(?<![a-z])my\s(?:own\s)?(?:account|acc)|sender)"
)
# "กสิกร 111-2-33333-4 → ไทยพาณิชย์ ...": an arrow after an account leads away from it
_ARROW_AFTER = re.compile(_ARROWS)
_ARROW_GAP = 24  # at most this many characters (no digit) between the account and the arrow
_AFTER = re.compile(
    r"(?i)^[^\d\n]{0,20}?(?:(?P<src>ของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง)|บัญชีเรา)|"
    r"(?P<dest>ของมิจ|ของคนร้าย|ของคนขาย|ของร้าน|ของแม่ค้า|ของสแกมเมอร์|ปลายทาง|โอนไป|โอนเข้า|"
    r"โอนให้))"
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything found in one message. Offsets are into ``text`` (the original)."""

    text: str
    received_at: datetime
    phones: tuple[Phone, ...] = ()
    accounts: tuple[Account, ...] = ()
    banks: tuple[BankMention, ...] = ()
    promptpay_ids: tuple[PromptPayId, ...] = ()
    national_ids: tuple[NationalId, ...] = ()
    amounts: tuple[Amount, ...] = ()
    transfer_times: tuple[TransferTime, ...] = ()
    urls: tuple[Url, ...] = ()
    line_ids: tuple[LineId, ...] = ()
    social_handles: tuple[SocialHandle, ...] = ()
    emails: tuple[Email, ...] = ()
    transaction_refs: tuple[TransactionRef, ...] = ()

    def entities(self) -> list[Entity]:
        """All entities in text order."""
        every: list[Entity] = [*self.phones, *self.accounts, *self.banks, *self.promptpay_ids,
                               *self.national_ids, *self.amounts, *self.transfer_times,
                               *self.urls, *self.line_ids, *self.social_handles, *self.emails,
                               *self.transaction_refs]
        return sorted(every, key=lambda e: (e.start, e.end))

    def latest_transfer(self) -> TransferTime | None:
        """The time of the LATEST transfer the message names (a range counts by its end):
        what the 72-hour clock runs from when a victim lists several transfers."""
        timed = [(x.latest, x) for x in self.transfer_times if x.latest is not None]
        return max(timed, key=lambda p: p[0])[1] if timed else None

    def paid_total(self) -> float:
        """Baht the victim paid according to this message (the sum of its PAID amounts, a
        stated total not added to its parts); 0.0 when it says nothing was paid."""
        return paid_total(self.amounts)

    def victim_bank(self) -> BankCode | None:
        """The victim's own bank or wallet as this message says it (the first mention with
        role SOURCE), or None when the message does not say which bank is theirs."""
        for b in self.banks:
            kind = BY_CODE[b.value].kind
            if b.role is Role.SOURCE and kind in (InstitutionKind.BANK, InstitutionKind.WALLET):
                return b.value
        return None

    def bank_codes(self) -> list[str]:
        """Distinct bank/wallet codes in order of first mention (incl. accounts' banks)."""
        seen: dict[str, None] = {}
        for b in self.banks:
            seen.setdefault(b.value.value, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The ``entities`` object of the ``sakot analyze`` contract (JSON-ready, no raw PII)."""
        return {
            "phones": _unique(p.national for p in self.phones),
            "accounts": [
                {"number": a.value, "bank": a.bank.value if a.bank else None,
                 "role": a.role.value, "partial": a.partial}
                for a in self.accounts
            ],
            "banks": self.bank_codes(),
            "bank_details": [{"bank": b.value.value, "role": b.role.value, "via_app": b.via_app}
                             for b in self.banks],
            "amounts_thb": [_num(a.value) for a in self.amounts],
            "amount_details": [{"thb": _num(a.value), "role": a.role.value,
                                "is_total": a.is_total} for a in self.amounts],
            "paid_total_thb": _num(self.paid_total()),
            "promptpay_ids": _unique(p.value for p in self.promptpay_ids),
            "promptpay": [
                {"id": p.value, "id_type": p.id_type.value, "role": p.role.value,
                 "bank": p.bank.value} for p in self.promptpay_ids
            ],
            "national_ids_masked": _unique(x.masked for x in self.national_ids),
            "urls": _unique(u.value for u in self.urls),
            "line_ids": _unique(x.value for x in self.line_ids),
            "social_handles": [{"platform": s.platform, "handle": s.value}
                               for s in self.social_handles],
            "emails": _unique(e.value for e in self.emails),
            "transaction_refs": _unique(r.value for r in self.transaction_refs),
            "phones_e164": _unique(p.value for p in self.phones),
            "transfer_times": [t.value.isoformat() for t in self.transfer_times if t.value],
            "transfer_time_details": [
                {"at": t.value.isoformat(), "precision": t.precision.value,
                 "relative": t.relative, "until": t.until.isoformat() if t.until else None,
                 "since": t.since} for t in self.transfer_times if t.value
            ],
            "latest_transfer_at": _iso(self.latest_transfer()),
        }


def _unique(xs: Any) -> list[Any]:
    return list(dict.fromkeys(xs))


def _iso(t: TransferTime | None) -> str | None:
    return t.latest.isoformat() if t is not None and t.latest is not None else None


def _num(v: float) -> int | float:
    return int(v) if v == int(v) else round(v, 2)


def _as_bangkok(received_at: datetime | None) -> datetime:
    if received_at is None:
        return datetime.now(BANGKOK)
    return aware_utc(received_at).astimezone(BANGKOK)


def analyze_text(text: str, received_at: datetime | None = None) -> Extraction:
    """Find identifiers, banks, amounts and times in one victim message.

    ``received_at`` anchors relative times ("เมื่อกี้", "10 นาทีที่แล้ว"); naive datetimes are
    taken as UTC (``bot.clock``), None means now. Texts longer than ``MAX_TEXT_CHARS`` raise
    ``ValueError``.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text longer than {MAX_TEXT_CHARS} characters")
    ref = _as_bangkok(received_at)
    n = normalize(text)
    claims = Claims()
    qr_ids, qr_amounts = _qr_entities(n, claims)
    urls, emails = find_urls_emails(n, claims)
    line_ids, socials = find_handles(n, claims)
    refs = find_refs(n, claims)
    times = find_times(n, claims, ref)
    banks = find_bank_mentions(n, claims)
    idents = find_identifiers(n, claims, [(s, e, _cue(b)) for s, e, b in banks])
    amounts = sorted([*qr_amounts, *find_amounts(n, claims)], key=lambda a: a.start)
    idents = sorted([*qr_ids, *idents], key=lambda f: f.ns)

    t = n.text
    phones: list[Phone] = []
    accounts: list[Account] = []
    pps: list[PromptPayId] = []
    nids: list[NationalId] = []
    for f in idents:
        e = f.entity
        if isinstance(e, TransactionRef):
            refs.append(e)
    payables = [f for f in idents if isinstance(f.entity, (Account, PromptPayId))]
    used_after: set[int] = set()
    bank_roles: dict[int, Role] = {}  # mention index -> role of the account it belongs to
    prev_list: int | None = None
    prev_role = Role.UNKNOWN
    for idx, f in enumerate(payables):
        prev_end = payables[idx - 1].ne if idx else 0
        next_start = payables[idx + 1].ns if idx + 1 < len(payables) else len(t)
        e = f.entity
        role = e.role if e.role is not Role.UNKNOWN else _role(t, f, prev_end, next_start)
        this_list = lists.list_start(t, f.ns)
        if role is Role.UNKNOWN and this_list is not None:
            role = _list_role(t, f, this_list, prev_list, prev_role)
        prev_list, prev_role = this_list, role
        if isinstance(e, Account):
            bank = e.bank
            if bank is None:
                bi = _bank_for(f, banks, prev_end, next_start, role, used_after)
                if bi is not None:
                    bank = banks[bi][2].value
                    if role is not Role.UNKNOWN:
                        bank_roles.setdefault(bi, role)
            conf = e.confidence
            if bank is not None and not e.partial and not account_length_ok(bank, len(e.value)):
                conf = min(conf, 0.5)
            f.entity = replace(e, bank=bank, role=role, confidence=conf)
        else:
            f.entity = replace(e, role=role)
    for f in idents:
        e = f.entity
        if isinstance(e, Phone):
            phones.append(e)
        elif isinstance(e, Account):
            accounts.append(e)
        elif isinstance(e, PromptPayId):
            pps.append(e)
        elif isinstance(e, NationalId):
            nids.append(e)
    refs.sort(key=lambda r: r.start)
    mentions = _bank_roles([b for _, _, b in banks], bank_roles)
    return Extraction(
        text=text, received_at=ref, phones=tuple(phones), accounts=tuple(accounts),
        banks=tuple(mentions), promptpay_ids=tuple(pps), national_ids=tuple(nids),
        amounts=tuple(amounts), transfer_times=tuple(times), urls=tuple(urls),
        line_ids=tuple(line_ids), social_handles=tuple(socials), emails=tuple(emails),
        transaction_refs=tuple(refs),
    )


_QR_TYPES = {"phone": PromptPayIdType.PHONE, "national_id": PromptPayIdType.NATIONAL_ID,
             "ewallet": PromptPayIdType.EWALLET}


def _qr_entities(n: Normalized, claims: Claims) -> tuple[list[Found], list[Amount]]:
    """PromptPay QR payloads pasted as text: the payee is the scammer's side."""
    if "000201" not in n.text:
        return [], []
    ids: list[Found] = []
    amounts: list[Amount] = []
    for q in find_qr_payments(n.text):
        s, e = n.span(q.start, q.end)
        raw = n.original[s:e]
        ent: Entity
        if q.proxy_type == "account":
            ent = Account(raw=raw, start=s, end=e, confidence=0.95, value=q.proxy,
                          role=Role.DESTINATION)
        else:
            ent = PromptPayId(raw=raw, start=s, end=e, confidence=0.99, value=q.proxy,
                              id_type=_QR_TYPES[q.proxy_type], role=Role.DESTINATION)
        ids.append(Found(q.start, q.end, ent))
        if q.amount:
            amounts.append(Amount(raw=raw, start=s, end=e, confidence=0.99, value=q.amount))
        claims.add(q.start, q.end)
    return ids, amounts


def _cue(b: BankMention) -> str:
    kind = BY_CODE[b.value].kind
    if kind is InstitutionKind.RAIL:
        return "promptpay"
    if kind is InstitutionKind.WALLET:
        return "wallet" if b.value is BankCode.TRUEMONEY else "account"
    return "account"


def _role(t: str, f: Found, prev_end: int, next_start: int) -> Role:
    ws = max(prev_end, f.ns - 60)
    # look back at most four lines: enough for a pasted slip ("จาก\nนาย ก\nธ.กสิกรไทย\nxxx-...")
    # while a cue several lines up does not reach this account
    nl = f.ns
    for _ in range(4):
        nl = t.rfind("\n", ws, nl)
        if nl < 0:
            break
    if nl >= 0:
        ws = nl + 1
    last = None
    for m in _DEST_BEFORE.finditer(t, ws, f.ns):
        last = m
    if last is not None:
        weak = last.group() in ("ไป", "เข้า", "ถึง", "โอน", "to") and f.ns - last.end() > 30
        if not weak:
            return Role.SOURCE if last.lastgroup == "src" else Role.DESTINATION
    a = _AFTER.match(t[f.ne:next_start])
    if a:
        return Role.SOURCE if a.lastgroup == "src" else Role.DESTINATION
    arrow = _ARROW_AFTER.search(t, f.ne, min(next_start, f.ne + _ARROW_GAP + 2))
    if arrow is not None and arrow.start() - f.ne <= _ARROW_GAP and not any(
            c.isdigit() for c in t[f.ne:arrow.start()]):
        return Role.SOURCE
    return Role.UNKNOWN


def _list_role(t: str, f: Found, this_list: int, prev_list: int | None,
               prev_role: Role) -> Role:
    """An account in a list item with no cue of its own: an earlier item's role, else the cue
    of the line above the list ("โอนไปให้บัญชีพวกนี้:\n1. ...\n2. ...")."""
    if prev_list == this_list and prev_role is not Role.UNKNOWN:
        return prev_role
    head = lists.heading(t, f.ns)
    if head is None:
        return Role.UNKNOWN
    last = None
    for m in _DEST_BEFORE.finditer(t, head[0], head[1]):
        last = m
    if last is None:
        return Role.UNKNOWN
    return Role.SOURCE if last.lastgroup == "src" else Role.DESTINATION


def _bank_roles(mentions: list[BankMention], from_accounts: dict[int, Role]) -> list[BankMention]:
    """A bank named for an account takes the account's role; a bank whose role was not said
    takes the role the same bank has elsewhere in the message ("ใช้ A-Mobile ของ ธ.ก.ส.")."""
    out = [replace(b, role=from_accounts[i]) if i in from_accounts else b
           for i, b in enumerate(mentions)]
    known: dict[BankCode, Role] = {}
    for b in out:
        if b.role is not Role.UNKNOWN:
            known.setdefault(b.value, b.role)
    return [replace(b, role=known[b.value]) if b.role is Role.UNKNOWN and b.value in known
            and not b.impersonated else b for b in out]


def _bank_for(f: Found, banks: list[tuple[int, int, BankMention]], prev_end: int,
              next_start: int, role: Role, used_after: set[int]) -> int | None:
    """Index of the bank named next to an account: the nearest before it (after the previous
    identifier), else the nearest just after it (before the next identifier)."""
    def usable(b: BankMention) -> bool:
        info = BY_CODE.get(b.value)
        if info is None or info.kind is InstitutionKind.RAIL:
            return False
        return not (b.via_app and role is Role.DESTINATION)

    before = [(i, s, e, b) for i, (s, e, b) in enumerate(banks)
              if prev_end <= s and e <= f.ns and f.ns - e <= 45 and usable(b)
              and i not in used_after]
    if before:
        return before[-1][0]
    after = [(i, s, e, b) for i, (s, e, b) in enumerate(banks)
             if f.ne <= s and e <= next_start and s - f.ne <= 25 and usable(b)
             and i not in used_after]
    if after:
        used_after.add(after[0][0])
        return after[0][0]
    return None
