"""eval/thresholds.toml: the quality gate of `byline eval --check`.

One section per gold file and mode: [NAME] end to end, [NAME.retrieval] with
--retrieval-only, and `.sample` appended when the run used --limit (the section then
records `limit` and `per_type`, and a run with another sample is refused, since its
numbers are not comparable). Inside a section, `[….min]` holds lower bounds and
`[….max]` upper bounds. A metric key is an overall metric ("accuracy"), a per-type or
per-style one ("accuracy.multi", "accuracy.reader", quoted in TOML) or a latency
("latency.total.p95", in ms). Any metric of the summary's "overall" group is accepted
(e.g. all_sources_in_context, evidence_abstention_recall_at_fa10).
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.errors import InvalidInput, NotFound

DEFAULT_PATH = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Check:
    section: str
    metric: str
    kind: str  # "min" or "max"
    bound: float
    value: float | None

    @property
    def ok(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.bound if self.kind == "min" else self.value <= self.bound

    def message(self) -> str:
        if self.value is None:
            return f"{self.section} {self.metric}: undefined (no items to measure it), {self.kind} {self.bound:g}"
        op, gap = ("<", self.bound - self.value) if self.kind == "min" else (">", self.value - self.bound)
        verb = "below" if self.kind == "min" else "above"
        return (f"{self.section} {self.metric} = {self.value:.4g} {op} {self.bound:g} "
                f"({verb} the threshold by {gap:.4g})")

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def load_thresholds(path: Path) -> dict:
    if not path.is_file():
        raise NotFound(f"no thresholds file: {path}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(f"{path}: {e}") from None


def section_name(gold_name: str, retrieval_only: bool, limit: int | None) -> str:
    name = gold_name.removesuffix(".jsonl")
    return name + (".retrieval" if retrieval_only else "") + (".sample" if limit else "")


def find_section(thresholds: dict, name: str) -> dict | None:
    table = thresholds
    for part in name.split("."):
        table = table.get(part) if isinstance(table, dict) else None
        if table is None:
            return None
    return table if isinstance(table, dict) else None


def metric_value(metrics: dict, key: str) -> float | None:
    """The value of `key` in a metrics summary; InvalidInput when no such metric exists."""
    parts = key.split(".")
    if parts[0] == "latency" and len(parts) == 3:
        table = metrics["latency_ms"].get(parts[1])
        if table is None or parts[2] not in table:
            raise InvalidInput(f"unknown latency metric {key!r} (e.g. latency.total.p95)")
        return table[parts[2]]
    if len(parts) == 1:
        if key not in metrics["overall"]:
            _unknown(key, metrics)
        return metrics["overall"][key]
    if len(parts) == 2:
        name, kind = parts
        if name not in metrics["overall"]:
            _unknown(key, metrics)
        group = metrics["by_type"].get(kind) or metrics.get("by_style", {}).get(kind) or {}
        return group.get(name)
    _unknown(key, metrics)


def _unknown(key: str, metrics: dict):
    raise InvalidInput(f"unknown metric {key!r} in thresholds (known: {', '.join(metrics['overall'])})")


def section_table(thresholds: dict, section: str, limit: int | None, per_type: bool,
                  source: Path = DEFAULT_PATH) -> dict:
    """The bounds for a run; InvalidInput when missing or measured on a different sample."""
    table = find_section(thresholds, section)
    if table is None or not any(k in table for k in ("min", "max")):
        raise InvalidInput(f"{source}: no [{section}.min] or [{section}.max] thresholds for this run")
    if limit and (table.get("limit") != limit or bool(table.get("per_type", False)) != per_type):
        want = f"--limit {table.get('limit')}" + (" --per-type" if table.get("per_type") else "")
        raise InvalidInput(f"{source}: [{section}] was measured with {want}; run with the same sample")
    return table


def check(thresholds: dict, section: str, metrics: dict, limit: int | None, per_type: bool,
          source: Path = DEFAULT_PATH) -> list[Check]:
    """Every bound of `section` checked against `metrics`; InvalidInput when the section is
    missing, malformed, or was measured on a different sample."""
    table = section_table(thresholds, section, limit, per_type, source)
    checks = []
    for kind in ("min", "max"):
        bounds = table.get(kind, {})
        if not isinstance(bounds, dict):
            raise InvalidInput(f"{source}: [{section}.{kind}] must be a table of metric = number")
        for metric, bound in bounds.items():
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise InvalidInput(f"{source}: [{section}.{kind}] {metric} must be a number")
            checks.append(Check(section, metric, kind, float(bound), metric_value(metrics, metric)))
    return checks
