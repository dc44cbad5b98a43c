"""Thai bank codes accepted as `to_bank_code` / `from_bank_code` (domain.md §4.1, CFR codes)."""

from __future__ import annotations

# code -> (short name, English name)
BANKS: dict[str, tuple[str, str]] = {
    "002": ("BBL", "Bangkok Bank"),
    "004": ("KBANK", "Kasikornbank"),
    "006": ("KTB", "Krungthai Bank"),
    "011": ("TTB", "TMBThanachart Bank"),
    "014": ("SCB", "Siam Commercial Bank"),
    "022": ("CIMBT", "CIMB Thai Bank"),
    "024": ("UOBT", "UOB Thailand"),
    "025": ("BAY", "Bank of Ayudhya (Krungsri)"),
    "030": ("GSB", "Government Savings Bank"),
    "033": ("GHB", "Government Housing Bank"),
    "034": ("BAAC", "Bank for Agriculture and Agricultural Cooperatives"),
    "066": ("IBANK", "Islamic Bank of Thailand"),
    "067": ("TISCO", "TISCO Bank"),
    "069": ("KKP", "Kiatnakin Phatra Bank"),
    "070": ("ICBCT", "ICBC (Thai)"),
    "071": ("TCD", "Thai Credit Bank"),
    "073": ("LHFG", "Land and Houses Bank"),
    "098": ("SMED", "SME Development Bank"),
}

SHORT_TO_CODE = {short: code for code, (short, _name) in BANKS.items()}


def short_name(code: str | None) -> str | None:
    if code is None:
        return None
    return BANKS.get(code, (code, ""))[0]
