"""tooling.nlu_data: Rasa markup parsing, offsets, line numbers, errors, synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.nlu_data import (
    EntitySpan,
    NluDataError,
    load_examples,
    load_synonyms,
    parse_annotated,
)


def _write(root: Path, split: str, name: str, body: str) -> Path:
    d = root / split
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(body, encoding="utf-8")
    return p


def _covered(text: str, span: EntitySpan) -> str:
    return text[span.start : span.end]


def test_plain_entity_form_offsets():
    text, spans = parse_annotated("โอนไป [350 บาท](amount) ร้านปิดเพจหนี")
    assert text == "โอนไป 350 บาท ร้านปิดเพจหนี"
    assert spans == (EntitySpan(6, 13, "amount", None),)
    assert _covered(text, spans[0]) == "350 บาท"


def test_entity_value_shorthand_form():
    text, spans = parse_annotated("จาก [ไทยพา](bank:SCB) ไป [ออมสิน](bank:GSB)")
    assert text == "จาก ไทยพา ไป ออมสิน"
    assert [(s.entity, s.value, _covered(text, s)) for s in spans] == [
        ("bank", "SCB", "ไทยพา"),
        ("bank", "GSB", "ออมสิน"),
    ]


def test_json_form_and_mixed_forms_keep_offsets_right():
    raw = (
        'โอนจาก[กสิกร]{"entity": "bank", "value": "KBANK"} '
        "[5,000 บาท](amount) เข้า [123-4-56789-0](account) "
        'ตอน [บ่ายสอง]{"entity": "transfer_time"}'
    )
    text, spans = parse_annotated(raw)
    assert text == "โอนจากกสิกร 5,000 บาท เข้า 123-4-56789-0 ตอน บ่ายสอง"
    got = [(s.entity, s.value, _covered(text, s)) for s in spans]
    assert got == [
        ("bank", "KBANK", "กสิกร"),
        ("amount", None, "5,000 บาท"),
        ("account", None, "123-4-56789-0"),
        ("transfer_time", None, "บ่ายสอง"),
    ]


def test_text_without_markup_is_unchanged():
    assert parse_annotated("โดนโกงค่ะ ช่วยด้วย 😭 (ด่วน)") == ("โดนโกงค่ะ ช่วยด้วย 😭 (ด่วน)", ())


@pytest.mark.parametrize(
    "raw",
    [
        "โอนไป [350 บาท(amount)",  # ] missing
        "โอนไป [350 บาท](amount",  # ) missing
        "โอนไป 350 บาท](amount)",  # [ missing
        "โอนไป [350 บาท] ร้านปิด",  # no (entity)
        "โอนไป [](amount)",  # empty text
        'จาก [กสิกร]{"entity": "bank", "value": "KBANK"',  # } missing
        'จาก [กสิกร]{"entity": bank}',  # bad JSON
        'จาก [กสิกร]{"value": "KBANK"}',  # no entity key
        "จาก [กสิกร](ba nk)",  # bad entity name
        "จาก [ [กสิกร](bank)",  # nested [
    ],
)
def test_malformed_markup_raises_with_file_and_line(tmp_path, raw):
    body = (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: inform\n"
        "  examples: |\n"
        "    - ไม่ได้โอนเลย\n"
        f"    - {raw}\n"
    )
    _write(tmp_path, "train", "bad.yml", body)
    with pytest.raises(NluDataError) as info:
        load_examples(tmp_path, "train")
    err = info.value
    assert err.file == "bad.yml"
    assert err.line == 6
    assert "bad.yml:6" in str(err)


def test_load_examples_reads_blocks_metadata_and_lines(tmp_path):
    _write(
        tmp_path,
        "train",
        "a.yml",
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: report_scam\n"
        "  metadata:\n"
        "    scam_type: online_shopping\n"
        "  examples: |\n"
        "    - สั่งของในเฟซแล้วโอนไป [350 บาท](amount) ร้านปิดเพจหนี\n"
        "\n"
        "    - โอนมัดจำแล้วคนขายบล็อก\n"
        "- intent: greet\n"
        "  examples: |\n"
        "    - สวัสดีค่ะ\n"
        "- synonym: KBANK\n"
        "  examples: |\n"
        "    - กสิกร\n"
        "- lookup: bank\n"
        "  examples: |\n"
        "    - กสิกร\n",
    )
    _write(
        tmp_path,
        "train",
        "b.yml",
        'version: "3.1"\nnlu:\n- intent: report_scam\n  examples: |\n    - โดนโกงค่ะ\n',
    )
    _write(tmp_path, "heldout", "c.yml", 'version: "3.1"\nnlu:\n- intent: thanks\n'
           "  examples: |\n    - ขอบคุณค่ะ\n")
    train = load_examples(tmp_path, "train")
    assert [(e.intent, e.scam_type, e.source) for e in train] == [
        ("report_scam", "online_shopping", "a.yml:7"),
        ("report_scam", "online_shopping", "a.yml:9"),
        ("greet", None, "a.yml:12"),
        ("report_scam", None, "b.yml:5"),
    ]
    start = len("สั่งของในเฟซแล้วโอนไป ")
    assert train[0].entities[0] == EntitySpan(start, start + 7, "amount", None)
    assert train[0].text[start : start + 7] == "350 บาท"
    held = load_examples(tmp_path, "heldout")
    assert [(e.text, e.intent) for e in held] == [("ขอบคุณค่ะ", "thanks")]


def test_list_form_examples_with_own_metadata(tmp_path):
    _write(
        tmp_path,
        "train",
        "list.yml",
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: report_scam\n"
        "  examples:\n"
        "  - text: โดนแอปดูดเงิน\n"
        "    metadata:\n"
        "      scam_type: remote_app\n"
        "  - โดนโกงค่ะ\n",
    )
    got = [(e.text, e.scam_type, e.source) for e in load_examples(tmp_path, "train")]
    assert got == [("โดนแอปดูดเงิน", "remote_app", "list.yml:5"), ("โดนโกงค่ะ", None, "list.yml:8")]


def test_bad_split_and_missing_directory(tmp_path):
    with pytest.raises(ValueError):
        load_examples(tmp_path, "dev")
    with pytest.raises(FileNotFoundError):
        load_examples(tmp_path, "train")


def test_yaml_syntax_error_is_an_nlu_data_error(tmp_path):
    _write(tmp_path, "train", "broken.yml", "nlu:\n- intent: greet\n  examples: [unclosed\n")
    with pytest.raises(NluDataError, match="broken.yml"):
        load_examples(tmp_path, "train")


def test_load_synonyms(tmp_path):
    _write(
        tmp_path,
        "train",
        "banks.yml",
        'version: "3.1"\n'
        "nlu:\n"
        "- synonym: KBANK\n"
        "  examples: |\n"
        "    - กสิกร\n"
        "    - KBank\n"
        "- synonym: KTB\n"
        "  examples: |\n"
        "    - เป๋าตัง\n",
    )
    syn = load_synonyms(tmp_path)
    assert syn["กสิกร"] == "KBANK"
    assert syn["KBank"] == syn["kbank"] == "KBANK"
    assert syn["เป๋าตัง"] == "KTB"
    assert syn["KTB"] == "KTB"


def test_conflicting_synonym_raises(tmp_path):
    _write(
        tmp_path,
        "train",
        "banks.yml",
        "nlu:\n- synonym: BBL\n  examples: |\n    - กรุงเทพ\n"
        "- synonym: KTB\n  examples: |\n    - กรุงเทพ\n",
    )
    with pytest.raises(NluDataError, match="กรุงเทพ"):
        load_synonyms(tmp_path)


REPO = Path(__file__).resolve().parents[2]


def test_real_bank_synonyms_cover_every_code():
    from tooling.data_check import BANK_CODES

    syn = load_synonyms(REPO / "nlu_data")
    # BANK_CODES comes from the bank table; banks.yml has no synonyms for these four yet
    # (adding training data retrains the classifier).
    not_yet_in_yaml = {"ICBC", "IBANK", "TCD", "SMEDB"}
    assert set(syn.values()) == set(BANK_CODES) - not_yet_in_yaml
    for variant, code in {"เคพลัส": "KBANK", "เป๋าตัง": "KTB", "MyMo": "GSB", "ไทยพา": "SCB",
                          "ธ.ก.ส.": "BAAC", "ทรูมันนี่": "TRUEMONEY"}.items():
        assert syn[variant] == code
