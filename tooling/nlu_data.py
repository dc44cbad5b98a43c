"""Read Sakot's Rasa-format NLU training data (``nlu_data/<split>/*.yml``) into plain records.

The classifier trainer and ``sakot data check`` both use this module, so it is the single
place that understands Rasa's inline entity markup:

- ``[text](entity)``
- ``[text](entity:value)``  (legacy shorthand; still accepted here)
- ``[text]{"entity": "bank", "value": "KBANK"}``  (also ``role``/``group`` keys)

Offsets in :class:`EntitySpan` point into :attr:`Example.text`, i.e. the sentence with the
markup removed. Malformed markup raises :class:`NluDataError` naming the file and line.

Only ``intent:`` blocks become examples; ``synonym:`` blocks are read by
:func:`load_synonyms`; ``lookup:`` and ``regex:`` blocks are ignored here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.classifier import SITUATION_LABELS

__all__ = [
    "EntitySpan",
    "Example",
    "NluDataError",
    "SPLITS",
    "load_examples",
    "load_situation",
    "load_synonyms",
    "parse_annotated",
]

SPLITS = ("train", "heldout")



class NluDataError(ValueError):
    """A training-data file is malformed; ``file`` and ``line`` (1-based) say where."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        where = f"{self.file}:{line}" if line is not None else self.file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    entity: str
    value: str | None  # the normalised value when the markup gives one, else None


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    scam_type: str | None
    entities: tuple[EntitySpan, ...]
    source: str  # "file.yml:lineno"
    # Situation labels (``nlu_data/situation``): the subset of SITUATION_LABELS that is true;
    # None where the file does not say (the ordinary intent/scam-type data).
    situation: tuple[str, ...] | None = None


# --- inline markup -------------------------------------------------------------------------

# After "[entity text]" comes either "(entity)" / "(entity:value)" or a JSON object.
_PAREN_RE = re.compile(r"\(([^()\[\]{}]*)\)")
_ENTITY_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def parse_annotated(raw: str) -> tuple[str, tuple[EntitySpan, ...]]:
    """Strip Rasa entity markup from one example; return (plain text, spans).

    Raises ``ValueError`` with a human-readable message when the markup is malformed; the
    file loaders wrap it into :class:`NluDataError`.
    """
    out: list[str] = []
    spans: list[EntitySpan] = []
    pos = 0  # position in raw
    length = 0  # length of plain text produced so far
    n = len(raw)
    while pos < n:
        ch = raw[pos]
        if ch == "]":
            raise ValueError(f"unmatched ']' at column {pos + 1}")
        if ch != "[":
            out.append(ch)
            length += 1
            pos += 1
            continue
        close = raw.find("]", pos + 1)
        if close < 0:
            raise ValueError(f"unclosed '[' at column {pos + 1}")
        inner = raw[pos + 1 : close]
        if "[" in inner:
            raise ValueError(f"nested '[' inside annotation at column {pos + 1}")
        if not inner.strip():
            raise ValueError(f"empty entity text '[]' at column {pos + 1}")
        if inner != inner.strip():
            raise ValueError(f"entity text {inner!r} has leading/trailing spaces")
        after = close + 1
        if after < n and raw[after] == "(":
            m = _PAREN_RE.match(raw, after)
            if not m:
                raise ValueError(f"unclosed '(' after [{inner}] at column {after + 1}")
            body = m.group(1)
            entity, sep, value = body.partition(":")
            entity = entity.strip()
            if sep and not value.strip():
                raise ValueError(f"empty value in ({body}) after [{inner}]")
            parsed_value: str | None = value.strip() if sep else None
            end_markup = m.end()
        elif after < n and raw[after] == "{":
            depth = 0
            j = after
            in_str = False
            while j < n:
                c = raw[j]
                if in_str:
                    if c == "\\":
                        j += 1
                    elif c == '"':
                        in_str = False
                elif c == '"':
                    in_str = True
                elif c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise ValueError(f"unclosed '{{' after [{inner}] at column {after + 1}")
            blob = raw[after : j + 1]
            try:
                obj = json.loads(blob)
            except json.JSONDecodeError as exc:
                raise ValueError(f"invalid JSON {blob} after [{inner}]: {exc.msg}") from None
            if not isinstance(obj, dict) or "entity" not in obj:
                raise ValueError(f'annotation {blob} after [{inner}] needs an "entity" key')
            entity = obj["entity"]
            if not isinstance(entity, str):
                raise ValueError(f'"entity" must be a string in {blob}')
            unknown = set(obj) - {"entity", "value", "role", "group"}
            if unknown:
                raise ValueError(f"unknown keys {sorted(unknown)} in {blob}")
            raw_value = obj.get("value")
            if raw_value is not None and not isinstance(raw_value, (str, int, float)):
                raise ValueError(f'"value" must be a string in {blob}')
            parsed_value = None if raw_value is None else str(raw_value)
            end_markup = j + 1
        else:
            raise ValueError(
                f"[{inner}] at column {pos + 1} is not followed by (entity) or {{...}}"
            )
        if not _ENTITY_NAME_RE.match(entity):
            raise ValueError(f"bad entity name {entity!r} after [{inner}]")
        spans.append(EntitySpan(length, length + len(inner), entity, parsed_value))
        out.append(inner)
        length += len(inner)
        pos = end_markup
    text = "".join(out)
    return text, tuple(spans)


# --- files ---------------------------------------------------------------------------------


def _compose(path: Path) -> tuple[Any, yaml.Node | None]:
    """Safe-load a YAML file and keep its node tree (for line numbers)."""
    text = path.read_text(encoding="utf-8")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise NluDataError(path.name, line, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return data, node


def _mapping_get(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def _blocks(path: Path) -> list[tuple[dict[str, Any], yaml.Node]]:
    data, node = _compose(path)
    if data is None:
        return []
    if not isinstance(data, dict):
        raise NluDataError(path.name, 1, "top level must be a mapping with an 'nlu:' list")
    nlu = data.get("nlu")
    if nlu is None:
        return []
    nlu_node = _mapping_get(node, "nlu")
    if not isinstance(nlu, list) or not isinstance(nlu_node, yaml.SequenceNode):
        raise NluDataError(path.name, _line(nlu_node), "'nlu:' must be a list of blocks")
    out = []
    for item, item_node in zip(nlu, nlu_node.value, strict=True):
        if not isinstance(item, dict):
            raise NluDataError(path.name, _line(item_node), "each nlu entry must be a mapping")
        out.append((item, item_node))
    return out


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _block_scam_type(meta: Any, file: str, line: int | None) -> str | None:
    if meta is None:
        return None
    if not isinstance(meta, dict):
        raise NluDataError(file, line, "'metadata' must be a mapping")
    value = meta.get("scam_type")
    if value is not None and not isinstance(value, str):
        raise NluDataError(file, line, "'scam_type' must be a string")
    return value


def _situation(meta: Any, file: str, line: int | None) -> tuple[str, ...] | None:
    """Per-example ``metadata: {situation: [money_paid, ...]}``; ``[]`` means none is true."""
    if not isinstance(meta, dict) or "situation" not in meta:
        return None
    value = meta["situation"]
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NluDataError(file, line, "'situation' must be a list of labels")
    unknown = sorted(set(value) - set(SITUATION_LABELS))
    if unknown:
        raise NluDataError(file, line, f"unknown situation labels {unknown}; "
                                       f"known: {list(SITUATION_LABELS)}")
    return tuple(label for label in SITUATION_LABELS if label in value)


def _examples_in_block(
    block: dict[str, Any], block_node: yaml.Node, file: str
) -> list[Example]:
    intent = block["intent"]
    if not isinstance(intent, str) or not intent.strip():
        raise NluDataError(file, _line(block_node), "'intent' must be a non-empty string")
    scam_type = _block_scam_type(block.get("metadata"), file, _line(block_node))
    examples = block.get("examples")
    ex_node = _mapping_get(block_node, "examples")
    if examples is None:
        raise NluDataError(file, _line(block_node), f"intent {intent!r} has no 'examples'")

    # raw text, line, scam type, situation labels
    items: list[tuple[str, int | None, str | None, tuple[str, ...] | None]] = []
    if isinstance(examples, str):
        # Block scalar: line k of the string is file line (indicator line + 1 + k).
        first = ex_node.start_mark.line + 2 if ex_node is not None else None
        if ex_node is not None and ex_node.style not in ("|", ">"):
            first = ex_node.start_mark.line + 1
        for k, line in enumerate(examples.splitlines()):
            stripped = line.strip()
            if not stripped:
                continue
            lineno = first + k if first is not None else None
            if not stripped.startswith("- "):
                raise NluDataError(file, lineno, f"example line must start with '- ': {line!r}")
            items.append((stripped[2:].strip(), lineno, scam_type, None))
    elif isinstance(examples, list):
        # Rasa's list form: "- text: ...\n  metadata: {...}"
        sub_nodes = ex_node.value if isinstance(ex_node, yaml.SequenceNode) else [None] * len(
            examples
        )
        for ex, sub in zip(examples, sub_nodes, strict=True):
            lineno = _line(sub)
            if isinstance(ex, str):
                items.append((ex.strip(), lineno, scam_type, None))
            elif isinstance(ex, dict) and isinstance(ex.get("text"), str):
                own = _block_scam_type(ex.get("metadata"), file, lineno)
                situation = _situation(ex.get("metadata"), file, lineno)
                items.append((ex["text"].strip(), lineno, own or scam_type, situation))
            else:
                raise NluDataError(file, lineno, "list examples need a 'text' string")
    else:
        raise NluDataError(file, _line(ex_node), "'examples' must be a block string or a list")

    out = []
    for raw, lineno, st, situation in items:
        if not raw:
            raise NluDataError(file, lineno, "empty example")
        try:
            text, spans = parse_annotated(raw)
        except ValueError as exc:
            raise NluDataError(file, lineno, f"malformed annotation: {exc}") from None
        out.append(Example(text, intent.strip(), st, spans, f"{file}:{lineno}", situation))
    return out


def load_file(path: Path) -> list[Example]:
    """All ``intent:`` examples in one YAML file, in file order."""
    out: list[Example] = []
    for block, node in _blocks(path):
        if "intent" in block:
            out.extend(_examples_in_block(block, node, path.name))
    return out


def load_examples(root: Path, split: str) -> list[Example]:
    """Every example in ``root/<split>/*.yml`` (files in name order, examples in file order)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    root = Path(root)
    directory = root / split
    if not directory.is_dir():
        raise FileNotFoundError(f"no such data directory: {directory}")
    out: list[Example] = []
    for path in _yaml_files(directory):
        out.extend(load_file(path))
    return out


def load_situation(root: Path, part: str = "train") -> list[Example]:
    """The situation-head data, ``root/situation/<part>.yml`` (``train`` or ``heldout``).

    Every example must carry ``metadata: {situation: [...]}`` (an empty list is a negative).
    This folder is outside what Rasa and ``sakot data check`` read (``train/``, ``heldout/``).
    """
    if part not in SPLITS:
        raise ValueError(f"part must be one of {SPLITS}, not {part!r}")
    path = Path(root) / "situation" / f"{part}.yml"
    if not path.is_file():
        raise FileNotFoundError(f"no such situation data file: {path}")
    out = load_file(path)
    for ex in out:
        if ex.situation is None:
            file, _, line = ex.source.rpartition(":")
            raise NluDataError(file, int(line) if line.isdigit() else None,
                               "situation example without 'metadata: {situation: [...]}'")
    return out


def load_synonyms(root: Path) -> dict[str, str]:
    """Map each synonym variant to its canonical value, from ``synonym:`` blocks.

    Read from ``root/train/*.yml`` (where the Rasa model gets them). Keys are the variants
    as written plus their lower-cased forms; the canonical value also maps to itself.
    Inline ``{"value": ...}`` annotations are not included here.
    """
    out: dict[str, str] = {}
    for path in _yaml_files(Path(root) / "train"):
        for block, node in _blocks(path):
            if "synonym" not in block:
                continue
            canonical = block["synonym"]
            if not isinstance(canonical, str) or not canonical:
                raise NluDataError(path.name, _line(node), "'synonym' must be a string")
            examples = block.get("examples")
            if not isinstance(examples, str):
                raise NluDataError(path.name, _line(node), "synonym needs an 'examples' block")
            ex_node = _mapping_get(node, "examples")
            first = ex_node.start_mark.line + 2 if ex_node is not None else None
            out.setdefault(canonical, canonical)
            for k, line in enumerate(examples.splitlines()):
                stripped = line.strip()
                if not stripped:
                    continue
                if not stripped.startswith("- "):
                    raise NluDataError(
                        path.name, first + k if first else None, f"bad synonym line {line!r}"
                    )
                variant = stripped[2:].strip()
                previous = out.get(variant)
                if previous is not None and previous != canonical and variant != previous:
                    raise NluDataError(
                        path.name,
                        first + k if first else None,
                        f"synonym {variant!r} maps to both {previous!r} and {canonical!r}",
                    )
                out[variant] = canonical
                out.setdefault(variant.lower(), canonical)
    return out
