"""Normalisation offsets, and property-based round trips (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.understanding import analyze_text, mask_national_id, normalize, thai_id_ok
from tests.understanding.understanding_helpers import REF

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


@pytest.mark.parametrize("text,expected", [
    ("๐๘๑", "081"),
    ("a\u200bb", "ab"),
    ("a  b", "a b"),
    ("a\u00a0b", "a b"),
    ("a\tb", "a b"),
    ("มากกกกก", "มาก"),
    ("น้้้ำ", "น้ำ"),
    ("ดีีี", "ดี"),
    ("123–456", "123-456"),
    ("１２３", "123"),
    ("  lead", "lead"),
    ("trail  ", "trail"),
    ("a \n b", "a\nb"),
    ("ศูนย์แปดหนึ่งสองสามสี่ห้าหกเจ็ดแปด", "0812345678"),
    ("สองสาม", "สองสาม"),
    ("555555", "555555"),
    ("คือออมสิน", "คือออมสิน"),  # อ ends คือ and starts ออมสิน: no stretched letter
])
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("กขค่้ าิ ๑๒3 \u200b\n-xX@.")), max_size=60))
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text) + 1
    assert all(0 <= o <= len(text) for o in n.offsets)
    assert list(n.offsets[:-1]) == sorted(n.offsets[:-1])


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_analyze_never_crashes_and_spans_are_valid(text: str) -> None:
    ex = analyze_text(text, REF)
    for e in ex.entities():
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start:e.end] == e.raw
    ex.to_json()


SEPARATORS = st.sampled_from(["", "-", " ", ".", " - ", "_"])


def _render(groups: list[str], sep: str, thai: bool) -> str:
    s = sep.join(groups)
    if thai:
        s = s.translate(str.maketrans("0123456789", THAI_DIGITS))
    return s


@settings(deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=10, max_size=10).filter(
        lambda d: d[0] != "0"),
    sep=SEPARATORS,
    thai=st.booleans(),
    layout=st.sampled_from([(3, 1, 5, 1), (3, 6, 1), (3, 3, 4), (10,), (3, 3, 3, 1)]),
    bank=st.sampled_from(["กสิกร", "scb", "กรุงไทย", "ttb", "กรุงศรี", "bbl"]),
)
def test_any_ten_digit_account_round_trips(digits: str, sep: str, thai: bool,
                                           layout: tuple[int, ...], bank: str) -> None:
    groups, i = [], 0
    for k in layout:
        groups.append(digits[i:i + k])
        i += k
    text = f"โอนเข้า {bank} {_render(groups, sep, thai)} แล้ว"
    accts = analyze_text(text, REF).accounts
    assert [a.value for a in accts] == [digits]
    assert text[accts[0].start:accts[0].end] == accts[0].raw


@settings(deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=12, max_size=12),
    sep=SEPARATORS,
    thai=st.booleans(),
    layout=st.sampled_from([(3, 1, 5, 3), (4, 4, 4), (12,)]),
    bank=st.sampled_from(["ออมสิน", "ธ.ก.ส.", "ธอส."]),
)
def test_any_twelve_digit_account_round_trips(digits: str, sep: str, thai: bool,
                                              layout: tuple[int, ...], bank: str) -> None:
    groups, i = [], 0
    for k in layout:
        groups.append(digits[i:i + k])
        i += k
    text = f"บัญชี{bank} {_render(groups, sep, thai)}"
    assert [a.value for a in analyze_text(text, REF).accounts] == [digits]


def _with_check(first12: str) -> str:
    s = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - s % 11) % 10)


@settings(deadline=None)
@given(
    body=st.text(alphabet="0123456789", min_size=11, max_size=11),
    first=st.sampled_from("12345678"),
    sep=st.sampled_from(["", "-", " "]),
    thai=st.booleans(),
)
def test_any_valid_national_id_is_recognised_and_masked(body: str, first: str, sep: str,
                                                        thai: bool) -> None:
    n = _with_check(first + body)
    assert thai_id_ok(n)
    groups = [n[0], n[1:5], n[5:10], n[10:12], n[12]]
    text = f"เลขบัตรประชาชน {_render(groups, sep, thai)}"
    ex = analyze_text(text, REF)
    assert [x.masked for x in ex.national_ids] == [mask_national_id(n)]
    assert ex.accounts == () and ex.phones == ()
    assert n not in str(ex.to_json())


MOBILE = st.tuples(st.sampled_from(["6", "8", "9"]),
                   st.text(alphabet="0123456789", min_size=8, max_size=8)).map("".join).filter(
    lambda s: s[:2] not in ("60", "67", "68", "69"))


@settings(deadline=None)
@given(
    nsn=MOBILE,
    fmt=st.sampled_from([
        "0{a}{b}{c}", "0{a}-{b}-{c}", "0{a} {b} {c}", "+66{a}{b}{c}", "+66 {a} {b} {c}",
        "+66-{a}-{b}-{c}", "66{a}{b}{c}", "0{a}.{b}.{c}", "(+66) {a} {b} {c}",
    ]),
    thai=st.booleans(),
)
def test_phone_formats_normalise_to_same_e164(nsn: str, fmt: str, thai: bool) -> None:
    s = fmt.format(a=nsn[:2], b=nsn[2:5], c=nsn[5:])
    if thai:
        s = s.translate(str.maketrans("0123456789", THAI_DIGITS))
    ex = analyze_text(f"เบอร์ {s} โทรมา", REF)
    assert [p.e164 for p in ex.phones] == ["+66" + nsn]
    assert ex.phones[0].national == "0" + nsn


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=9_999_999))
def test_grouped_amounts_round_trip(v: int) -> None:
    assert analyze_text(f"โอนไป {v:,} บาท", REF).to_json()["amounts_thb"] == [v]


VOCAB = ["โอน", "เข้า", "ไป", "จาก", "บัญชี", "เบอร์", "กสิกร", "scb", "ออมสิน", "พร้อมเพย์",
         "บาท", "พัน", "หมื่น", "แสน", "ห้า", "สอง", "โมง", "ทุ่ม", "บ่าย", "ตี", "เมื่อวาน",
         "นาทีที่แล้ว", "พ.ย.", "69", "@", "line", "http://", ".com", "xxx", "-", " ", ".", ",",
         "/", ":", "+66", "0812345678", "123", "4", "56789", "0", "๑๒๓", "1441", "k", "฿"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), max_size=25).map("".join))
def test_token_soup_spans_valid_and_disjoint(text: str) -> None:
    ex = analyze_text(text, REF)
    for e in ex.entities():
        assert text[e.start:e.end] == e.raw
    ids = [*ex.phones, *ex.accounts, *ex.promptpay_ids, *ex.national_ids]
    for a in ex.amounts:  # an amount never reuses the digits of an identifier
        assert not any(a.start < i.end and i.start < a.end for i in ids)
    ex.to_json()
