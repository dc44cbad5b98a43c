"""Scam-type ids on the wire (a case packet's ``scam_type``).

The ids are Sakot's labels, each mapped to one Royal Thai Police complaint case type
(shared/domain.md §1). Their Thai names and glosses are Sakot's business: ``bot/scam_types.py``.
"""

from __future__ import annotations

from enum import StrEnum


class ScamType(StrEnum):
    ONLINE_SHOPPING = "online_shopping"
    IMPERSONATION = "impersonation"
    ROMANCE = "romance"
    PRIZE_FEE = "prize_fee"
    LOAN = "loan"
    JOB_TASK = "job_task"
    CALL_CENTER = "call_center"
    REMOTE_APP = "remote_app"
    HACKING = "hacking"
    RANSOMWARE = "ransomware"
    INVESTMENT = "investment"
    CRYPTO = "crypto"
    PONZI = "ponzi"
    OTHER = "other"
