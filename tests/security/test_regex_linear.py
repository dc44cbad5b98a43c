"""Every regular expression a stranger's text can reach runs in linear time (issue 14).

One crafted 80-character message once held the app's event loop for hours (the OTP filler in
``bot/conversation/redact.py``); another froze the NLU service (the URL labels in
``bot/understanding/web.py``). This test finds every pattern first-party code compiles and
times it on strings built from the pattern's own pieces, at 10,000 and 100,000 characters.
"""

from __future__ import annotations

import pytest

from tests.security.regex_fuzz import FoundPattern, check_linear, collect_patterns, cpu_times

PATTERNS = collect_patterns()


def test_the_collector_finds_the_patterns_of_every_text_module():
    files = {p.where.split(":")[0] for p in PATTERNS}
    for expected in ("bot/conversation/redact.py", "bot/understanding/web.py",
                     "bot/understanding/identifiers.py", "bot/understanding/times.py",
                     "bot/masking.py", "bot/understanding/situation_cues.py"):
        assert expected in files, f"no pattern collected from {expected}"
    assert len(PATTERNS) >= 60


def test_the_timer_catches_a_backtracking_pattern():
    # The old OTP filler: nested quantifiers over optional spaces (exponential).
    old_filler = FoundPattern(r"(?i)otp(?:\s*(?:is|=|:)\s*)*\s*(\d{4,8})", 0, "old")
    verdict = check_linear(old_filler, limit_s=5.0)
    assert not verdict.ok, verdict.detail
    # A search that may start anywhere and scan to the end (quadratic).
    quadratic = FoundPattern(r"[a-z.]+@x", 0, "quadratic")
    assert not check_linear(quadratic, limit_s=10.0).ok


def test_the_timer_passes_a_linear_pattern():
    assert cpu_times(r"(?<![a-z])otp\s{0,4}(\d{4,8})", 0, ["otp " * 5000], 10.0) is not None
    assert check_linear(FoundPattern(r"(?<![a-z])otp\s{0,4}(\d{4,8})", 0, "ok")).ok


@pytest.mark.slow
@pytest.mark.parametrize("found", PATTERNS, ids=[p.where for p in PATTERNS])
def test_pattern_is_linear_on_adversarial_text(found: FoundPattern):
    verdict = check_linear(found)
    assert verdict.ok, f"{found.label()}: {verdict.detail}"
