"""Thai banks and e-wallets: the single source of bank facts in Sakot.

Codes, names, aliases, app names and account-number lengths come from shared/domain.md §4.1
(layouts from open-source slip/formatter code). A bank's 3-digit number (the Central Fraud
Registry code, how banks travel to the AOC exchange) comes from the exchange contract,
``aoc_contract.banks``, whose short codes are these ``BankCode`` values. Hotline numbers live in
``bot/hotlines.py`` (keyed by ``BankCode``), not here.

Aliases are matched case-insensitively on normalised text (see ``bot.understanding``), except
those in ``case_sensitive_aliases`` (short English words such as "BAY" that are also ordinary
words) and those in ``needs_bank_word`` (Thai words that are also place names or everyday
words, e.g. "กรุงเทพ" is Bangkok and "อิสลาม" is the religion): those count as a bank only next
to a word like ธนาคาร / แบงก์ / บัญชี / โอนเข้า / ใช้.

Apps: ``apps`` are mobile-banking apps (K PLUS, SCB EASY, MyMo...). People name their own bank by
its app, so a mention by app is the victim's side. ``wallet_apps`` are a bank's wallet apps:
เป๋าตัง (Paotang, with its G-Wallet) is run by Krungthai and served by Krungthai's call centre, so
it names KTB; but it is not a bank app: scammers receive money into G-Wallets too, and fake
"Paotang" apps are a common remote-control lure, so a bare mention is no evidence of whose it is.
Merchant QR brands (SCB's แม่มณี, Krungthai's ถุงเงิน) are where a shop RECEIVES money: aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aoc_contract.banks import BANK_NUMBERS, bank_number


class BankCode(StrEnum):
    """Sakot's codes; a bank's code is also its short code on the exchange's wire."""

    KBANK = "KBANK"
    SCB = "SCB"
    BBL = "BBL"
    KTB = "KTB"
    BAY = "BAY"
    TTB = "TTB"
    GSB = "GSB"
    BAAC = "BAAC"
    GHB = "GHB"
    UOB = "UOB"
    CIMB = "CIMB"
    KKP = "KKP"
    LHB = "LHB"
    TISCO = "TISCO"
    ICBC = "ICBC"
    IBANK = "IBANK"
    TCD = "TCD"
    SMEDB = "SMEDB"
    TRUEMONEY = "TRUEMONEY"
    SHOPEEPAY = "SHOPEEPAY"
    LINEPAY = "LINEPAY"
    PROMPTPAY = "PROMPTPAY"
    OTHER = "OTHER"


class InstitutionKind(StrEnum):
    BANK = "bank"
    WALLET = "wallet"
    RAIL = "rail"  # PromptPay: a payment rail, not an account holder
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Bank:
    code: BankCode
    kind: InstitutionKind
    number: str | None  # 3-digit bank code (e.g. "004"), None for wallets; from the contract
    name_th: str
    name_en: str
    aliases: tuple[str, ...] = ()  # Thai and English names, nicknames, abbreviations
    apps: tuple[str, ...] = ()  # mobile-banking apps: naming one names the victim's own bank
    # the bank's wallet/payment apps (เป๋าตัง): they name the bank, but money is also received
    # into them, so only the words around them say whose money it is
    wallet_apps: tuple[str, ...] = ()
    account_lengths: tuple[int, ...] = ()  # digits in an account number; () = unknown
    layouts: tuple[tuple[int, ...], ...] = ()  # usual printed groupings, e.g. (3, 1, 5, 1)
    case_sensitive_aliases: tuple[str, ...] = ()
    needs_bank_word: tuple[str, ...] = ()


_STD10 = ((3, 1, 5, 1),)


def _bank(code: BankCode, name_th: str, name_en: str, **facts) -> Bank:
    """A bank: its 3-digit number is its code on the exchange's wire (``aoc_contract``)."""
    return Bank(code, InstitutionKind.BANK, BANK_NUMBERS[code.value], name_th, name_en, **facts)

BANKS: tuple[Bank, ...] = (
    _bank(
        BankCode.BBL, "ธนาคารกรุงเทพ", "Bangkok Bank",
        aliases=("ธนาคารกรุงเทพ", "แบงก์กรุงเทพ", "แบงค์กรุงเทพ", "ธ.กรุงเทพ", "บัวหลวง",
                 "bangkok bank", "bangkokbank", "bbl", "กรุงเทพ", "แบงก์สีน้ำเงิน",
                 "แบงค์สีน้ำเงิน", "ธนาคารสีน้ำเงิน"),
        apps=("bualuang mbanking", "bualuang m banking", "bualuang", "บัวหลวงเอ็มแบงก์กิ้ง",
              "บัวหลวง เอ็มแบงกิ้ง", "บัวหลวงเอ็มแบงกิ้ง", "บัวหลวง mbanking"),
        account_lengths=(10,), layouts=_STD10,
        needs_bank_word=("กรุงเทพ",),
    ),
    _bank(
        BankCode.KBANK, "ธนาคารกสิกรไทย", "Kasikornbank",
        aliases=("ธนาคารกสิกรไทย", "กสิกรไทย", "กสิกร", "กสิ", "เคแบงก์", "เคแบงค์", "kbank",
                 "k-bank", "k bank", "kasikorn", "kasikornbank", "kasikorn bank", "ธ.กสิกร",
                 "แบงก์สีเขียว", "แบงค์สีเขียว", "ธนาคารสีเขียว", "แบงก์เขียว", "แบงค์เขียว"),
        apps=("k plus", "kplus", "k+", "เคพลัส", "เค พลัส", "k-plus", "make by kbank",
              "เมคบายเคแบงก์"),
        account_lengths=(10,), layouts=_STD10,
    ),
    _bank(
        BankCode.KTB, "ธนาคารกรุงไทย", "Krungthai Bank",
        aliases=("ธนาคารกรุงไทย", "กรุงไทย", "ktb", "krungthai", "krung thai", "ธ.กรุงไทย",
                 "ถุงเงิน", "แบงก์สีฟ้า", "แบงค์สีฟ้า", "ธนาคารสีฟ้า"),
        apps=("krungthai next", "กรุงไทยเน็กซ์", "กรุงไทยเน็กซ์ท", "กรุงไทย next", "ktb next"),
        wallet_apps=("เป๋าตัง", "เป๋าตังค์", "เป๋าตุง", "paotang", "pao tang", "g-wallet",
                     "จีวอลเล็ท"),
        account_lengths=(10,), layouts=_STD10,
    ),
    _bank(
        BankCode.TTB, "ธนาคารทหารไทยธนชาต", "TMBThanachart Bank",
        aliases=("ธนาคารทหารไทยธนชาต", "ทหารไทยธนชาต", "ทีทีบี", "ttb", "tmbthanachart",
                 "ทหารไทย", "tmb", "ธนชาต", "thanachart"),
        apps=("ttb touch", "ttbtouch", "ทีทีบีทัช", "ทีทีบี ทัช", "tmb touch"),
        account_lengths=(10,), layouts=((3, 6, 1), (3, 1, 5, 1)),
    ),
    _bank(
        BankCode.SCB, "ธนาคารไทยพาณิชย์", "Siam Commercial Bank",
        aliases=("ธนาคารไทยพาณิชย์", "ไทยพาณิชย์", "ไทยพานิช", "ไทยพานิด", "ไทยพา", "เอสซีบี",
                 "scb", "siam commercial", "siam commercial bank", "ธ.ไทยพาณิชย์", "แม่มณี",
                 "แบงก์สีม่วง", "แบงค์สีม่วง", "ธนาคารสีม่วง", "แบงก์ม่วง", "แบงค์ม่วง"),
        apps=("scb easy", "scbeasy", "เอสซีบีอีซี่", "เอสซีบี อีซี่"),
        account_lengths=(10,), layouts=_STD10,
    ),
    _bank(
        BankCode.CIMB, "ธนาคารซีไอเอ็มบี ไทย", "CIMB Thai Bank",
        aliases=("ซีไอเอ็มบี", "cimb", "cimb thai", "cimbt"),
        apps=("cimb thai app",),
        account_lengths=(10,), layouts=_STD10,
    ),
    _bank(
        BankCode.UOB, "ธนาคารยูโอบี", "UOB Thailand",
        aliases=("ยูโอบี", "uob", "uobt"),
        apps=("uob tmrw", "tmrw"),
        account_lengths=(10,), layouts=((3, 3, 3, 1), (3, 1, 5, 1)),
    ),
    _bank(
        BankCode.BAY, "ธนาคารกรุงศรีอยุธยา", "Bank of Ayudhya (Krungsri)",
        aliases=("ธนาคารกรุงศรีอยุธยา", "กรุงศรีอยุธยา", "กรุงศรี", "krungsri", "ayudhya",
                 "bank of ayudhya", "BAY", "แบงก์สีเหลือง", "แบงค์สีเหลือง", "ธนาคารสีเหลือง"),
        apps=("kma", "krungsri app", "krungsri mobile app", "เคเอ็มเอ", "กรุงศรีโมบาย"),
        account_lengths=(10,), layouts=_STD10,
        case_sensitive_aliases=("BAY",),
    ),
    _bank(
        BankCode.GSB, "ธนาคารออมสิน", "Government Savings Bank",
        aliases=("ธนาคารออมสิน", "ออมสิน", "gsb", "government savings bank", "แบงก์สีชมพู",
                 "แบงค์สีชมพู", "ธนาคารสีชมพู"),
        apps=("mymo", "my mo", "มายโม่", "มายโม"),
        account_lengths=(12,), layouts=((3, 1, 5, 3), (4, 4, 4), (12,)),
    ),
    _bank(
        BankCode.GHB, "ธนาคารอาคารสงเคราะห์", "Government Housing Bank",
        aliases=("ธนาคารอาคารสงเคราะห์", "อาคารสงเคราะห์", "ธอส.", "ธอส", "ghb",
                 "government housing bank"),
        apps=("ghb all", "ghb all gen", "จีเอชบี ออล"),
        account_lengths=(12,), layouts=((3, 1, 5, 3), (4, 4, 4)),
    ),
    _bank(
        BankCode.BAAC, "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
        "Bank for Agriculture and Agricultural Cooperatives",
        aliases=("ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "ธนาคารเพื่อการเกษตร", "ธ.ก.ส.",
                 "ธ.ก.ส", "ธกส.", "ธกส", "baac"),
        apps=("a-mobile", "a mobile", "amobile", "เอโมบาย", "เอ โมบาย", "a-mobile plus"),
        account_lengths=(12,), layouts=((3, 1, 5, 3), (4, 4, 4)),
    ),
    _bank(
        BankCode.IBANK, "ธนาคารอิสลามแห่งประเทศไทย",
        "Islamic Bank of Thailand",
        aliases=("ธนาคารอิสลามแห่งประเทศไทย", "ธนาคารอิสลาม", "ไอแบงก์", "ไอแบงค์", "ibank",
                 "islamic bank", "อิสลาม"),
        account_lengths=(10,), layouts=_STD10,
        needs_bank_word=("อิสลาม",),
    ),
    _bank(
        BankCode.TISCO, "ธนาคารทิสโก้", "TISCO Bank",
        aliases=("ธนาคารทิสโก้", "ทิสโก้", "tisco"),
        # domain.md §8.5: sources conflict (10 vs 14 digits); accept both.
        account_lengths=(10, 14), layouts=((4, 3, 6, 1),),
    ),
    _bank(
        BankCode.KKP, "ธนาคารเกียรตินาคินภัทร", "Kiatnakin Phatra Bank",
        aliases=("ธนาคารเกียรตินาคินภัทร", "เกียรตินาคินภัทร", "เกียรตินาคิน", "kkp",
                 "kiatnakin", "kiatnakin phatra"),
        apps=("kkp mobile",),
        account_lengths=(10, 14), layouts=((3, 6, 1),),
    ),
    _bank(
        BankCode.ICBC, "ธนาคารไอซีบีซี (ไทย)", "ICBC (Thai)",
        aliases=("ไอซีบีซี", "icbc", "icbct", "icbc thai"),
        account_lengths=(10,),
    ),
    _bank(
        BankCode.TCD, "ธนาคารไทยเครดิต", "Thai Credit Bank",
        aliases=("ธนาคารไทยเครดิต", "ไทยเครดิต", "thai credit", "tcrb", "tcd"),
        account_lengths=(10,),
    ),
    _bank(
        BankCode.LHB, "ธนาคารแลนด์ แอนด์ เฮ้าส์", "Land and Houses Bank",
        aliases=("ธนาคารแลนด์แอนด์เฮ้าส์", "ธนาคารแลนด์ แอนด์ เฮ้าส์", "แลนด์แอนด์เฮ้าส์",
                 "แลนด์ แอนด์ เฮ้าส์", "lh bank", "lhbank", "lhb", "land and houses", "lhfg"),
        apps=("lhb you", "lh bank m choice"),
        account_lengths=(10,),
    ),
    _bank(
        BankCode.SMEDB, "ธนาคารพัฒนาวิสาหกิจขนาดกลางและขนาดย่อมแห่งประเทศไทย",
        "SME Development Bank",
        aliases=("ธนาคารพัฒนาวิสาหกิจ", "เอสเอ็มอีดีแบงก์", "เอสเอ็มอีแบงก์", "sme d bank",
                 "sme development bank", "smebank", "sme bank", "smedb"),
        account_lengths=(10,),
    ),
    Bank(
        BankCode.TRUEMONEY, InstitutionKind.WALLET, None, "ทรูมันนี่ วอลเล็ท", "TrueMoney Wallet",
        aliases=("ทรูมันนี่", "ทรูมันนี", "ทรูวอลเล็ท", "ทรูวอลเล็ต", "truemoney", "true money",
                 "truewallet", "true wallet"),
        apps=("truemoney wallet", "ทรูมันนี่วอลเล็ท", "ทรูมันนี่ วอลเล็ท"),
        account_lengths=(10,),  # identified by the holder's mobile number
    ),
    Bank(
        BankCode.SHOPEEPAY, InstitutionKind.WALLET, None, "ช้อปปี้เพย์", "ShopeePay",
        aliases=("ช้อปปี้เพย์", "ช็อปปี้เพย์", "shopeepay", "shopee pay", "airpay"),
    ),
    Bank(
        BankCode.LINEPAY, InstitutionKind.WALLET, None, "แรบบิท ไลน์ เพย์", "Rabbit LINE Pay",
        aliases=("แรบบิทไลน์เพย์", "แรบบิท ไลน์ เพย์", "ไลน์เพย์", "ไลน์ เพย์", "rabbit line pay",
                 "rabbitlinepay", "linepay", "line pay"),
    ),
    Bank(
        BankCode.PROMPTPAY, InstitutionKind.RAIL, None, "พร้อมเพย์", "PromptPay",
        aliases=("พร้อมเพย์", "พร้อมเพ", "พร้อมเพร์", "promptpay", "prompt pay", "prompay"),
    ),
    Bank(BankCode.OTHER, InstitutionKind.OTHER, None, "อื่น ๆ", "Other"),
)

BY_CODE: dict[BankCode, Bank] = {b.code: b for b in BANKS}
BY_NUMBER: dict[str, Bank] = {b.number: b for b in BANKS if b.number}

#: Every 10-or-more-digit length that some bank uses for account numbers.
ACCOUNT_LENGTHS: frozenset[int] = frozenset(n for b in BANKS for n in b.account_lengths)


def bank(code: str | BankCode) -> Bank:
    """The bank for a canonical code ("KBANK") or a 3-digit bank code ("004")."""
    if isinstance(code, str) and code.isdigit():
        return BY_NUMBER[code.zfill(3)]
    return BY_CODE[BankCode(code)]


def account_length_ok(code: BankCode | None, digits: int) -> bool:
    """Whether an account number of ``digits`` digits fits the bank.

    For an unknown bank (or one whose lengths are unknown), any length some bank uses fits."""
    if code is None or code not in BY_CODE or not BY_CODE[code].account_lengths:
        return digits in ACCOUNT_LENGTHS
    return digits in BY_CODE[code].account_lengths


def from_wire(code: str | None) -> Bank | None:
    """The bank a message from the exchange names: by 3-digit number ("022") or short code
    ("CIMB", or a legacy one such as "CIMBT"); None if the contract does not know it."""
    number = bank_number(code) if code else None
    return BY_NUMBER.get(number) if number else None
