"""The scam types Sakot classifies, mapped to the Royal Thai Police complaint case types.

This is the one place that maps our label ids to the official Thai labels (used in the
police-complaint draft and the staff console) and an English gloss. Source: shared/domain.md §1.
"""

from __future__ import annotations

from dataclasses import dataclass

# The ids on the wire come from the exchange contract; this module gives them their names.
from aoc_contract.scam_types import ScamType


@dataclass(frozen=True)
class ScamTypeInfo:
    id: ScamType
    police_label_th: str
    label_th: str  # short, plain Thai for victims
    gloss_en: str


SCAM_TYPES: dict[ScamType, ScamTypeInfo] = {
    info.id: info
    for info in (
        ScamTypeInfo(
            ScamType.ONLINE_SHOPPING,
            "หลอกลวงซื้อขายสินค้าหรือบริการ ที่ไม่มีลักษณะเป็นขบวนการ",
            "ซื้อของออนไลน์แล้วไม่ได้ของ",
            "Online shopping or service fraud",
        ),
        ScamTypeInfo(
            ScamType.IMPERSONATION,
            "หลอกลวงเป็นบุคคลอื่นเพื่อยืมเงิน",
            "แอบอ้างเป็นคนรู้จักเพื่อยืมเงิน",
            "Impersonating someone to borrow money",
        ),
        ScamTypeInfo(
            ScamType.ROMANCE,
            "หลอกลวงให้รักแล้วโอนเงิน (Romance Scam)",
            "หลอกให้รักแล้วให้โอนเงิน",
            "Romance scam",
        ),
        ScamTypeInfo(
            ScamType.PRIZE_FEE,
            "หลอกลวงให้โอนเงินเพื่อรับรางวัลหรือวัตถุประสงค์อื่นๆ",
            "หลอกให้โอนเงินเพื่อรับรางวัลหรือสิทธิ์",
            "Pay-to-receive prize or benefit (advance fee)",
        ),
        ScamTypeInfo(
            ScamType.LOAN,
            "หลอกลวงให้กู้เงินอันมีลักษณะฉ้อโกง กรรโชก หรือรีดเอาทรัพย์",
            "หลอกปล่อยเงินกู้",
            "Fraudulent or extortionate loan",
        ),
        ScamTypeInfo(
            ScamType.JOB_TASK,
            "หลอกลวงให้โอนเงินเพื่อทำงานหารายได้พิเศษ",
            "หลอกให้ทำงานหารายได้เสริม",
            "Job, task or side-income scam",
        ),
        ScamTypeInfo(
            ScamType.CALL_CENTER,
            "ข่มขู่ทางโทรศัพท์ให้เกิดความกลัวแล้วหลอกให้โอนเงิน",
            "แก๊งคอลเซ็นเตอร์ข่มขู่ให้โอนเงิน",
            "Phone intimidation (call-centre gang)",
        ),
        ScamTypeInfo(
            ScamType.REMOTE_APP,
            "หลอกลวงให้ติดตั้งโปรแกรมควบคุมระบบในเครื่องโทรศัพท์",
            "หลอกให้ติดตั้งแอปควบคุมเครื่อง (แอปดูดเงิน)",
            "Tricked into installing a remote-control app",
        ),
        ScamTypeInfo(
            ScamType.HACKING,
            "กระทำต่อระบบหรือข้อมูลคอมพิวเตอร์โดยผิดกฎหมาย (Hacking) เพื่อฉ้อโกง กรรโชก หรือรีดเอาทรัพย์",
            "บัญชีถูกแฮ็กหรือถูกขโมย",
            "Hacking or account takeover",
        ),
        ScamTypeInfo(
            ScamType.RANSOMWARE,
            "เข้ารหัสข้อมูลคอมพิวเตอร์ของผู้อื่นโดยมิชอบเพื่อกรรโชก หรือรีดเอาทรัพย์ (Ransomware)",
            "ไฟล์ถูกล็อกเรียกค่าไถ่",
            "Ransomware",
        ),
        ScamTypeInfo(
            ScamType.INVESTMENT,
            "หลอกลวงให้ลงทุนผ่านระบบคอมพิวเตอร์",
            "หลอกให้ลงทุนออนไลน์",
            "Online investment scam",
        ),
        ScamTypeInfo(
            ScamType.CRYPTO,
            "หลอกลวงเกี่ยวกับสินทรัพย์ดิจิทัล",
            "หลอกลงทุนคริปโตหรือสินทรัพย์ดิจิทัล",
            "Digital-asset (crypto) scam",
        ),
        ScamTypeInfo(
            ScamType.PONZI,
            "หลอกลวงให้ลงทุนที่เป็นความผิดตาม พ.ร.ก.กู้ยืมเงินฯ",
            "แชร์ลูกโซ่",
            "Ponzi scheme under the Public Borrowing Decree",
        ),
        ScamTypeInfo(
            ScamType.OTHER,
            "คดีอาชญากรรมทางเทคโนโลยีทางลักษณะอื่นๆ",
            "ภัยออนไลน์ประเภทอื่น",
            "Other technology crime",
        ),
    )
}


def scam_type_info(scam_type: str | ScamType) -> ScamTypeInfo:
    """Look up a scam type by id; unknown ids raise ValueError."""
    return SCAM_TYPES[ScamType(scam_type)]
