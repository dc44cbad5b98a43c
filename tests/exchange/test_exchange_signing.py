"""aoc_contract.signing: the recipe both sides of the contract use (pure, no I/O)."""

from __future__ import annotations

import ast
import hashlib
import hmac
from pathlib import Path

import pytest

from aoc_contract import signing

SECRET = "s3cret-for-tests"


def test_signature_matches_the_documented_recipe():
    body = b'{"a":1}'
    headers = signing.sign_request(key_id="k1", secret=SECRET, method="post",
                                   path="/v1/cases?x=1", body=body, timestamp=1700000000,
                                   nonce="n" * 16)
    canonical = "\n".join(["POST", "/v1/cases?x=1", "1700000000", "n" * 16,
                           hashlib.sha256(body).hexdigest()])
    expected = hmac.new(SECRET.encode(), canonical.encode(), "sha256").hexdigest()
    assert headers[signing.SIGNATURE_HEADER] == f"v1={expected}"
    assert headers[signing.KEY_ID_HEADER] == "k1"
    assert headers[signing.TIMESTAMP_HEADER] == "1700000000"


def _signed(**kw):
    args = dict(key_id="k1", secret=SECRET, method="POST", path="/v1/cases", body=b"{}",
                timestamp=1_700_000_000)
    args.update(kw)
    return signing.sign_request(**args)


def test_verify_accepts_an_untouched_request():
    headers = _signed()
    signed = signing.verify_request(headers, secret=SECRET, method="POST", path="/v1/cases",
                                    body=b"{}", now=1_700_000_000)
    assert signed.key_id == "k1"


@pytest.mark.parametrize("change", ["body", "path", "method", "secret", "timestamp", "nonce"])
def test_any_tampering_breaks_the_signature(change):
    headers = _signed()
    kw = dict(secret=SECRET, method="POST", path="/v1/cases", body=b"{}", now=1_700_000_000)
    if change == "body":
        kw["body"] = b'{"x":1}'
    elif change == "path":
        kw["path"] = "/v1/cases?admin=1"
    elif change == "method":
        kw["method"] = "PUT"
    elif change == "secret":
        kw["secret"] = "other"
    elif change == "timestamp":
        headers[signing.TIMESTAMP_HEADER] = "1700000001"
    elif change == "nonce":
        headers[signing.NONCE_HEADER] = "m" * 20
    with pytest.raises(signing.BadSignature):
        signing.verify_request(headers, **kw)


@pytest.mark.parametrize("skew", [-301, 301, 10_000])
def test_timestamps_outside_the_window_are_rejected(skew):
    headers = _signed()
    with pytest.raises(signing.StaleTimestamp):
        signing.verify_request(headers, secret=SECRET, method="POST", path="/v1/cases",
                               body=b"{}", now=1_700_000_000 + skew)


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_timestamps_inside_the_window_are_accepted(skew):
    signing.verify_request(_signed(), secret=SECRET, method="POST", path="/v1/cases",
                           body=b"{}", now=1_700_000_000 + skew)


@pytest.mark.parametrize("header,value,error", [
    (signing.NONCE_HEADER, "short", signing.MalformedHeaders),
    (signing.TIMESTAMP_HEADER, "12.5", signing.MalformedHeaders),
    (signing.SIGNATURE_HEADER, "deadbeef", signing.MalformedHeaders),
    (signing.KEY_ID_HEADER, "", signing.MissingHeaders),
])
def test_malformed_headers(header, value, error):
    headers = _signed()
    headers[header] = value
    with pytest.raises(error):
        signing.parse_headers(headers)


def test_signing_module_imports_no_web_framework():
    tree = ast.parse(Path(signing.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"fastapi", "starlette", "httpx", "sqlalchemy", "pydantic", "exchange", "bot"}
