"""No identifier a victim gives may reach the logs, in any record, format or exception."""

from __future__ import annotations

import io
import json
import logging

import pytest

from servicekit.logging import configure_logging, mask_identifiers

SEEDED = [
    "1101700203451",        # national ID
    "1-1017-00203-45-1",    # national ID with dashes
    "0812345678",           # mobile
    "081-234-5678",
    "+66812345678",
    "๐๘๑๒๓๔๕๖๗๘",           # mobile in Thai digits
    "123-4-56789-0",        # KBANK account
    "020-1-23456-789",      # GSB 12-digit account
    "02 123 4567",          # Bangkok landline
]


@pytest.fixture(params=[False, True], ids=["text", "json"])
def captured(request):
    stream = io.StringIO()
    handler = configure_logging(level="DEBUG", json_output=request.param, stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("identifier", SEEDED)
def test_identifier_never_reaches_output(captured, identifier):
    log = logging.getLogger("sakot.test")
    log.info("victim wrote: โอนเข้า %s เมื่อกี้", identifier)
    log.warning(f"f-string too: {identifier}")
    try:
        raise ValueError(f"bad account {identifier}")
    except ValueError:
        log.exception("while handling %s", identifier)
    logging.getLogger("uvicorn.error").error("library logger %s", identifier)
    output = captured.getvalue()
    digits = "".join(c for c in identifier if c.isdigit())
    assert identifier not in output
    assert digits not in "".join(c for c in output if c.isdigit() or c == "\n")
    assert "ValueError" in output  # the exception itself is still logged


def test_json_lines_are_valid_json():
    stream = io.StringIO()
    handler = configure_logging(json_output=True, stream=stream)
    try:
        logging.getLogger("x").info("โทร 0812345678 แล้ว")
    finally:
        logging.getLogger().removeHandler(handler)
    entry = json.loads(stream.getvalue().strip())
    assert entry["message"] == "โทร ********78 แล้ว"
    assert entry["level"] == "INFO"


@pytest.mark.parametrize("harmless", ["50,000 บาท", "12 พ.ย. 69", "เวลา 14:30", "1441", "2026-11-28"])
def test_ordinary_numbers_are_kept(harmless):
    assert mask_identifiers(harmless) == harmless


def test_credentials_in_logged_urls_are_masked():
    # httpx logs every request URL at INFO; Rasa's API token travels as ?token=…
    stream = io.StringIO()
    handler = configure_logging(stream=stream)
    try:
        logging.getLogger("httpx").info(
            'HTTP Request: GET http://127.0.0.1:5005/status?token=s3cr3t-T0ken_value&x=1 "200"')
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert "s3cr3t-T0ken_value" not in out
    assert "token=***&x=1" in out
