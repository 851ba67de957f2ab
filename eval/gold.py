"""Gold Q&A files (eval/gold/*.jsonl): load and validate, one object a line.

Format (DESIGN.md): {"id", "question", "answer", "must_contain_any", "sources", "type"},
plus optional fields:
- "must_not_contain": strings an answer must not mention (same matching as
  must_contain_any: case-insensitive, on word and number boundaries);
- "kind": a label for the report (fact, date, partial, comparison, ...); "choice" marks an
  "A or B?" question: it needs "must_not_contain" (the wrong option), and its
  must_contain_any may name an option of the question;
- "style": how the question is worded (e.g. "reader"); the report groups by it;
- "needed_sources": for a multi item, the articles the answer needs, as a list of
  groups of alternatives (one article of each group is needed); by default every source
  of a multi item is needed, and any one source of a single item is enough.
Other extra fields are kept in `extra` and otherwise ignored. A must_contain_any string
that already appears in the question proves nothing and is refused (except for the
options of a choice item). Every problem is reported as InvalidInput("FILE:LINE: reason")
so a gold writer can jump straight to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from eval.matching import mentioned
from rag.errors import InvalidInput, NotFound

TYPES = ("single", "multi", "unanswerable")
KINDS = ("choice",)
REQUIRED = ("id", "question", "answer", "must_contain_any", "sources", "type")
OPTIONAL = ("must_not_contain", "kind", "style", "needed_sources")
DEFAULT_STYLE = "default"  # the style of an item without a "style" field


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
    must_not_contain: tuple[str, ...] = ()
    kind: str | None = None
    style: str | None = None
    needed_sources: tuple[tuple[str, ...], ...] = ()  # as given; see source_groups

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def style_name(self) -> str:
        return self.style or DEFAULT_STYLE

    @property
    def source_groups(self) -> tuple[tuple[str, ...], ...]:
        """The articles the answer needs: one of each group (none for unanswerable items)."""
        if self.needed_sources:
            return self.needed_sources
        if self.type == "multi":
            return tuple((s,) for s in dict.fromkeys(self.sources))
        return (self.sources,) if self.sources else ()


def load_gold(path: Path | str) -> list[GoldItem]:
    """Every item of a gold file, in file order; InvalidInput naming FILE:LINE on the first problem."""
    path = Path(path)
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
        _check_text(obj, key, where)
    if not isinstance(obj["answer"], str):
        raise InvalidInput(f"{where}: 'answer' must be a string, got {_kind(obj['answer'])}")
    for key in ("must_contain_any", "sources"):
        _check_strings(obj[key], key, where)
    must_not = obj.get("must_not_contain", [])
    _check_strings(must_not, "must_not_contain", where)
    _check_type(obj, where)
    kind = _check_kind(obj, where)
    style = _check_style(obj, where)
    needed = _check_needed_sources(obj, where)
    _check_not_in_question(obj, kind, where)
    _check_must_not_conflicts(obj["must_contain_any"], must_not, where)
    return GoldItem(id=obj["id"], question=obj["question"], answer=obj["answer"],
                    must_contain_any=tuple(obj["must_contain_any"]), sources=tuple(obj["sources"]),
                    type=obj["type"], line=line,
                    extra={k: v for k, v in obj.items() if k not in REQUIRED + OPTIONAL},
                    must_not_contain=tuple(must_not), kind=kind, style=style, needed_sources=needed)


def _check_text(obj: dict, key: str, where: str) -> None:
    if not isinstance(obj[key], str) or not obj[key].strip():
        raise InvalidInput(f"{where}: {key!r} must be a non-empty string, got {_kind(obj[key])}")


def _check_strings(value: object, key: str, where: str) -> None:
    if not isinstance(value, list):
        raise InvalidInput(f"{where}: {key!r} must be a list of strings, got {_kind(value)}")
    for i, v in enumerate(value, 1):
        if not isinstance(v, str) or not v.strip():
            raise InvalidInput(f"{where}: {key!r} entry {i} must be a non-empty string, got {_kind(v)}")


def _check_type(obj: dict, where: str) -> None:
    kind = obj["type"]
    if kind not in TYPES:
        raise InvalidInput(f"{where}: unknown type {kind!r} (expected one of: {', '.join(TYPES)})")
    if kind == "unanswerable":
        for key in ("must_contain_any", "sources", "must_not_contain", "needed_sources"):
            if obj.get(key):
                raise InvalidInput(f"{where}: an unanswerable item must have an empty {key!r}")
    else:
        for key in ("must_contain_any", "sources"):
            if not obj[key]:
                raise InvalidInput(f"{where}: a {kind!r} item needs at least one entry in {key!r}")


def _check_kind(obj: dict, where: str) -> str | None:
    kind = obj.get("kind")
    if kind is None:
        return None
    _check_text(obj, "kind", where)
    if kind not in KINDS:  # a free label (fact, date, partial, ...) with no rules of its own
        return kind
    if obj["type"] == "unanswerable":
        raise InvalidInput(f"{where}: an unanswerable item cannot be a {kind!r} item")
    must_not = obj.get("must_not_contain", [])
    if not must_not:
        raise InvalidInput(f"{where}: a 'choice' item needs 'must_not_contain' (the wrong option)")
    if not mentioned(obj["question"], must_not):
        raise InvalidInput(f"{where}: a 'choice' item's 'must_not_contain' must name an option of the "
                           f"question; none of {must_not} appears in it")
    return kind


def _check_style(obj: dict, where: str) -> str | None:
    if "style" not in obj:
        return None
    _check_text(obj, "style", where)
    style = obj["style"]
    if style in TYPES or style == "overall":
        raise InvalidInput(f"{where}: style {style!r} is reserved (it names a type or the overall group)")
    return style


def _check_needed_sources(obj: dict, where: str) -> tuple[tuple[str, ...], ...]:
    groups = obj.get("needed_sources")
    if groups is None:
        return ()
    if not isinstance(groups, list) or not groups:
        raise InvalidInput(f"{where}: 'needed_sources' must be a non-empty list of lists of sources")
    for i, group in enumerate(groups, 1):
        _check_strings(group, f"needed_sources[{i}]", where)
        if not group:
            raise InvalidInput(f"{where}: 'needed_sources' group {i} is empty")
        unknown = [s for s in group if s not in obj["sources"]]
        if unknown:
            raise InvalidInput(f"{where}: 'needed_sources' group {i} names {unknown[0]!r}, "
                               f"which is not in 'sources'")
    unused = [s for s in obj["sources"] if not any(s in g for g in groups)]
    if unused:
        raise InvalidInput(f"{where}: source {unused[0]!r} is in no 'needed_sources' group")
    return tuple(tuple(g) for g in groups)


def _check_not_in_question(obj: dict, kind: str | None, where: str) -> None:
    """A must_contain_any string the question already contains proves nothing: an answer
    that repeats the question would pass. A choice item's options are the exception:
    there must_not_contain rules out the answer that repeats both."""
    if kind == "choice":
        return
    echoed = mentioned(obj["question"], obj["must_contain_any"])
    if echoed:
        raise InvalidInput(f"{where}: 'must_contain_any' entry {echoed[0]!r} already appears in the question "
                           f"(an answer repeating the question would pass); reword the question or the entry")


def _check_must_not_conflicts(must: list[str], must_not: list[str], where: str) -> None:
    for good in must:
        clash = mentioned(good, must_not)
        if clash:
            raise InvalidInput(f"{where}: 'must_contain_any' entry {good!r} mentions the 'must_not_contain' "
                               f"entry {clash[0]!r}: an answer saying exactly it would be wrong")


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
