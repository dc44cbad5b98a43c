"""Finds every regular expression the project compiles and times it on adversarial text.

A stranger's message reaches dozens of patterns (redaction, extraction, masking, triage). One
pattern that backtracks (nested quantifiers, overlapping alternatives in a repeated group, a
match that may start anywhere and scan to the end) turns an 80-character message into hours of
CPU. This module:

- collects patterns by wrapping ``re._compile`` while the project's modules are imported and
  while their text functions run on sample input (so patterns compiled inside functions count
  too), remembering the first project file that asked for each one;
- derives adversarial strings from each pattern's own parse tree: its literal words, the
  characters of its classes, separators and fillers, repeated and combined;
- times ``finditer`` over each string in a child process (CPU time, so other load on the
  machine does not count; a hard wall-clock limit ends a runaway) at a small and a large size,
  and reports growth faster than linear.
"""

from __future__ import annotations

import importlib
import itertools
import json
import multiprocessing as mp
import pkgutil
import random
import re
import re._constants as C  # noqa: N812
import re._parser as sre_parse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "channels", "actions", "sakot")
# Offline tooling (tooling/, not in PACKAGES) never sees a stranger's text; the models CLI
# only drives it.
SKIP_MODULES = ("sakot.cli.models",)


@dataclass(frozen=True)
class FoundPattern:
    pattern: str
    flags: int
    where: str  # "bot/understanding/web.py:22"

    def label(self) -> str:
        shown = self.pattern if len(self.pattern) < 90 else self.pattern[:87] + "..."
        return f"{self.where} {shown!r}"


def _project_frame() -> str | None:
    """Where the first caller outside the ``re`` package sits, when that is first-party code."""
    frame = sys._getframe(2)
    while frame is not None and Path(frame.f_code.co_filename).parent.name == "re":
        frame = frame.f_back
    if frame is None:
        return None
    try:
        rel = Path(frame.f_code.co_filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return f"{rel}:{frame.f_lineno}" if rel.parts and rel.parts[0] in PACKAGES else None


def collect_patterns() -> list[FoundPattern]:
    """Every str pattern compiled by first-party code in PACKAGES, collected in a fresh
    interpreter: in a test session the modules are already imported (their patterns compiled
    and cached), so wrapping ``re._compile`` here would see almost nothing."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "from tests.security.regex_fuzz import collect_patterns_here as c; "
            "print(json.dumps([[p.pattern, p.flags, p.where] for p in c()]))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return [FoundPattern(p, f, w) for p, f, w in json.loads(out.strip().splitlines()[-1])]


def collect_patterns_here() -> list[FoundPattern]:
    """``collect_patterns`` in this interpreter (import the project first time here)."""
    found: dict[tuple[str, int], FoundPattern] = {}
    original = re._compile

    def recording(pattern, flags):
        if isinstance(pattern, str):
            where = _project_frame()
            key = (pattern, int(flags))
            if where and key not in found:
                found[key] = FoundPattern(pattern, int(flags), where)
        return original(pattern, flags)

    re._compile = recording
    re.purge()  # patterns compiled before this call would otherwise come from the cache
    try:
        for package in PACKAGES:
            _import_all(package)
        _exercise()
    finally:
        re._compile = original
    return sorted(found.values(), key=lambda p: p.where)


def _import_all(package: str) -> None:
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
        if info.name.startswith(SKIP_MODULES) or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


_SAMPLES = (
    "โดนหลอกโอนเงิน 5,000 บาท เข้าบัญชีกสิกร 123-4-56789-0 เมื่อวาน 14:30 เบอร์ 081-234-5678 "
    "ไลน์ @scam01 เว็บ hxxp://bad[.]com OTP 123456 รหัสผ่าน abc123! เลขบัตร 1101700203451",
    "I paid 2,000 baht to SCB 1234567890 yesterday at 3pm, the caller 0812345678 is still on the line",
)


def _exercise() -> None:
    """Run the text functions a stranger's message reaches, so lazily compiled patterns count."""
    from bot.conversation.redact import redact_credentials
    from bot.masking import mask_identifiers_in_text
    from bot.understanding import analyze_text

    for text in _SAMPLES:
        redact_credentials(text)
        mask_identifiers_in_text(text)
        analyze_text(text)


# --- adversarial strings ---------------------------------------------------------------

_CATEGORY_SAMPLES = {
    C.CATEGORY_DIGIT: "1", C.CATEGORY_NOT_DIGIT: "a", C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_SPACE: "a", C.CATEGORY_WORD: "a", C.CATEGORY_NOT_WORD: ".",
}


def _pieces(pattern: str, flags: int) -> tuple[list[str], list[str]]:
    """(literal words of the pattern, sample characters of its classes)."""
    words: list[str] = []
    chars: set[str] = set()

    def walk(sub) -> None:
        run: list[str] = []

        def flush() -> None:
            if run:
                words.append("".join(run))
                run.clear()

        for op, av in sub:
            if op is C.LITERAL:
                run.append(chr(av))
                chars.add(chr(av))
                continue
            flush()
            if op is C.IN:
                for item_op, item in av:
                    if item_op is C.LITERAL:
                        chars.add(chr(item))
                    elif item_op is C.RANGE:
                        lo, hi = item
                        chars.update({chr(lo), chr(hi), chr((lo + hi) // 2)})
                    elif item_op is C.CATEGORY and item in _CATEGORY_SAMPLES:
                        chars.add(_CATEGORY_SAMPLES[item])
            elif op is C.ANY:
                chars.add("x")
            elif op is C.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op is C.SUBPATTERN:
                walk(av[-1])
            elif op is C.ATOMIC_GROUP:
                walk(av)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                walk(av[1])
            elif op is C.GROUPREF_EXISTS:
                walk(av[1])
                if av[2]:
                    walk(av[2])
        flush()

    walk(sre_parse.parse(pattern, flags))
    return words, sorted(chars)


def example_match(pattern: str, flags: int) -> str:
    """A short string shaped like a match (first branch, fewest repeats, first class member);
    lookarounds ignored, so it need not really match."""
    out: list[str] = []

    def first_char(items) -> str:
        if items and items[0][0] is C.NEGATE:
            return "x"
        for item_op, item in items:
            if item_op is C.LITERAL:
                return chr(item)
            if item_op is C.RANGE:
                return chr(item[0])
            if item_op is C.CATEGORY and item in _CATEGORY_SAMPLES:
                return _CATEGORY_SAMPLES[item]
        return "x"

    def walk(sub) -> None:
        for op, av in sub:
            if op is C.LITERAL:
                out.append(chr(av))
            elif op is C.IN:
                out.append(first_char(av))
            elif op is C.ANY:
                out.append("x")
            elif op is C.BRANCH:
                walk(av[1][0])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                for _ in range(max(1, min(av[0], 4))):
                    walk(av[2])
            elif op is C.SUBPATTERN:
                walk(av[-1])
            elif op is C.ATOMIC_GROUP:
                walk(av)

    walk(sre_parse.parse(pattern, flags))
    return "".join(out)


_FILLERS = (" ", "  ", "-", ".", ":", "=", "/", "1", "a", "ก", "\n", "[.]", "@", "_")


def adversarial_recipes(pattern: str, flags: int, *, seed: int = 7) -> list[tuple[str, str, str]]:
    """(head, unit, tail) triples built from the pattern's own pieces: the string is the head,
    the unit repeated to the wanted size, then the tail (which does not finish a match)."""
    words, chars = _pieces(pattern, flags)
    words = sorted(set(w for w in words if w.strip()), key=len, reverse=True)[:24]
    tokens = list(dict.fromkeys(words + chars + list(_FILLERS)))[:60]
    rnd = random.Random(seed)
    out: list[tuple[str, str, str]] = [("", t, "!") for t in tokens]
    pairs = list(itertools.combinations(tokens, 2))
    rnd.shuffle(pairs)
    out += [("", a + b, "!") for a, b in pairs[:120]]
    # keyword, then a long run of separators/fillers, then something that does not finish it
    seps = list(dict.fromkeys([" ", "=", "-", ":", ".", "/", "\n"]
                              + [c for c in chars if not c.isalnum()]
                              + [t for t in tokens if len(t) <= 3]))[:8]
    heads = list(dict.fromkeys(words[:4] + sorted(words, key=len)[:4]))
    for word in heads:
        for a, b in itertools.permutations(seps, 2):
            out.append((word, a + b * 8, "!"))
        out += [("", word + a, "!") for a in seps]
    for _ in range(12):
        out.append(("", "".join(rnd.choice(tokens) for _ in range(8)), "!"))
    # one match after another, glued by each filler, and matches cut short of their end
    example = example_match(pattern, flags)
    if example:
        out += [("", example + f, "!") for f in _FILLERS]
        out += [("", example[:-1] + f, "!") for f in _FILLERS if len(example) > 1]
    # every short word after every class character ("a[.]" x n)
    for word in [w for w in words if len(w) <= 6][:12]:
        out += [("", c + word, "!") for c in chars[:12]]
    return list(dict.fromkeys(out))


def render(recipe: tuple[str, str, str], size: int) -> str:
    head, unit, tail = recipe
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def adversarial_strings(pattern: str, flags: int, size: int) -> list[str]:
    return [render(r, size) for r in adversarial_recipes(pattern, flags)]


# --- timing in a child process ---------------------------------------------------------

def _time_worker(pattern: str, flags: int, texts: list[str], repeats: int, conn) -> None:
    compiled = re.compile(pattern, flags)
    times = []
    for text in texts:
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            for _m in compiled.finditer(text):
                pass
            best = min(best, time.process_time() - start)
        times.append(best)
    conn.send(times)
    conn.close()


def cpu_times(pattern: str, flags: int, texts: list[str], limit_s: float,
              repeats: int = 1) -> list[float] | None:
    """CPU seconds of a full ``finditer`` over each text (the best of ``repeats``), or None
    when the wall-clock limit ran out."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_time_worker, args=(pattern, flags, texts, repeats, child), daemon=True)
    proc.start()
    child.close()
    ready = parent.poll(limit_s)
    result = parent.recv() if ready else None
    if proc.is_alive():
        proc.kill()
    proc.join()
    return result


@dataclass(frozen=True)
class Verdict:
    pattern: FoundPattern
    ok: bool
    detail: str


def check_linear(found: FoundPattern, *, small: int = 10_000, large: int = 100_000,
                 max_ratio: float = 25.0, floor_s: float = 0.02,
                 limit_s: float = 20.0) -> Verdict:
    """Time grows at most ~linearly from ``small`` to ``large`` characters on every string.

    Linear growth is a factor of 10 between the sizes; quadratic is 100. Times below
    ``floor_s`` at the large size are noise, whatever the ratio."""
    recipes = adversarial_recipes(found.pattern, found.flags)
    small_texts = [render(r, small) for r in recipes]
    screened = cpu_times(found.pattern, found.flags, small_texts, limit_s)
    if screened is None:
        return Verdict(found, False, f"did not finish {len(small_texts)} strings of "
                                     f"{small} chars in {limit_s:.0f} s")
    worst = sorted(range(len(small_texts)), key=lambda i: screened[i], reverse=True)[:3]
    large_texts = [render(recipes[i], large) for i in worst]
    grown = cpu_times(found.pattern, found.flags, large_texts, limit_s, repeats=2)
    if grown is None:
        return Verdict(found, False, f"a {large}-char string did not finish in {limit_s:.0f} s "
                                     f"(e.g. {large_texts[0][:60]!r}...)")
    for i, t_large in zip(worst, grown, strict=True):
        t_small = max(screened[i], 1e-5)
        ratio = t_large / t_small
        if t_large > floor_s and ratio > max_ratio:
            return Verdict(found, False, f"{small}->{large} chars: {t_small * 1e3:.1f} ms -> "
                                         f"{t_large * 1e3:.0f} ms (x{ratio:.0f}) on "
                                         f"{small_texts[i][:60]!r}...")
    return Verdict(found, True, "linear")
