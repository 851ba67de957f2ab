"""Gold Q&A files (eval/gold/*.jsonl): load and validate, one object a line.

Format (DESIGN.md): {"id", "question", "answer", "must_contain_any", "sources", "type"};
extra fields are kept in `extra` and otherwise ignored. Every problem is reported as
InvalidInput("FILE:LINE: reason") so a gold writer can jump straight to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InvalidInput, NotFound

TYPES = ("single", "multi", "unanswerable")
REQUIRED = ("id", "question", "answer", "must_contain_any", "sources", "type")


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answer: str
    must_contain_any: tuple[str, ...]
    sources: tuple[str, ...]
    type: str
    line: int = 0  # 1-based line in the gold file
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_gold(path: Path) -> list[GoldItem]:
    """Every item of a gold file, in file order; InvalidInput naming FILE:LINE on the first problem."""
    if not path.is_file():
        raise NotFound(f"no such gold file: {path}")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"{where}: malformed JSON: {e.msg} (column {e.colno})") from None
        item = parse_item(obj, where, n)
        if item.id in first_line:
            raise InvalidInput(f"{where}: duplicate id {item.id!r} (first used on line {first_line[item.id]})")
        first_line[item.id] = n
        items.append(item)
    if not items:
        raise InvalidInput(f"{path}: no gold items")
    return items


def parse_item(obj: object, where: str, line: int = 0) -> GoldItem:
    if not isinstance(obj, dict):
        raise InvalidInput(f"{where}: expected a JSON object, got {_kind(obj)}")
    missing = [k for k in REQUIRED if k not in obj]
    if missing:
        raise InvalidInput(f"{where}: missing field{'s' if len(missing) > 1 else ''} "
                           + ", ".join(repr(k) for k in missing))
    for key in ("id", "question"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise InvalidInput(f"{where}: {key!r} must be a non-empty string, got {_kind(obj[key])}")
    if not isinstance(obj["answer"], str):
        raise InvalidInput(f"{where}: 'answer' must be a string, got {_kind(obj['answer'])}")
    for key in ("must_contain_any", "sources"):
        value = obj[key]
        if not isinstance(value, list):
            raise InvalidInput(f"{where}: {key!r} must be a list of strings, got {_kind(value)}")
        for i, v in enumerate(value, 1):
            if not isinstance(v, str) or not v.strip():
                raise InvalidInput(f"{where}: {key!r} entry {i} must be a non-empty string, got {_kind(v)}")
    kind = obj["type"]
    if kind not in TYPES:
        raise InvalidInput(f"{where}: unknown type {kind!r} (expected one of: {', '.join(TYPES)})")
    if kind == "unanswerable":
        for key in ("must_contain_any", "sources"):
            if obj[key]:
                raise InvalidInput(f"{where}: an unanswerable item must have an empty {key!r}")
    else:
        for key in ("must_contain_any", "sources"):
            if not obj[key]:
                raise InvalidInput(f"{where}: a {kind!r} item needs at least one entry in {key!r}")
    return GoldItem(id=obj["id"], question=obj["question"], answer=obj["answer"],
                    must_contain_any=tuple(obj["must_contain_any"]), sources=tuple(obj["sources"]),
                    type=kind, line=line, extra={k: v for k, v in obj.items() if k not in REQUIRED})


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"the string {value[:40]!r}"
    return {dict: "an object", bool: "a boolean", int: "a number", float: "a number",
            type(None): "null"}.get(type(value), type(value).__name__)


def select(items: list[GoldItem], limit: int | None, per_type: bool = False) -> list[GoldItem]:
    """The first `limit` items (or, per_type, the first `limit` of each type), in file order."""
    if not limit:
        return list(items)
    if not per_type:
        return list(items[:limit])
    taken: dict[str, int] = {}
    out = []
    for item in items:
        if taken.get(item.type, 0) < limit:
            taken[item.type] = taken.get(item.type, 0) + 1
            out.append(item)
    return out
