"""Gold-file loading: every kind of mistake is reported as FILE:LINE: reason."""

import json
from pathlib import Path

import pytest

from eval.gold import GoldItem, load_gold, select
from rag.errors import InvalidInput, NotFound

GOOD = {"id": "s01", "question": "Who?", "answer": "Rutte", "must_contain_any": ["Rutte"],
        "sources": ["a.txt"], "type": "single"}
UNANSWERABLE = {"id": "s02", "question": "When?", "answer": "Not stated", "must_contain_any": [],
                "sources": [], "type": "unanswerable"}


def write(tmp_path, *lines) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines),
                    encoding="utf-8")
    return path


def test_loads_items_in_order_with_lines_and_extra_fields(tmp_path):
    path = write(tmp_path, GOOD, "", {**UNANSWERABLE, "note": "hard"})
    items = load_gold(path)
    assert [i.id for i in items] == ["s01", "s02"]
    assert [i.line for i in items] == [1, 3]
    assert items[0].sources == ("a.txt",) and items[0].answerable
    assert items[1].extra == {"note": "hard"} and not items[1].answerable


def test_the_real_gold_files_are_valid():
    from eval.corpora import GOLD_DIR

    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        assert load_gold(path)


@pytest.mark.parametrize("bad,reason", [
    ("{not json", "malformed JSON"),
    ('["a list"]', "expected a JSON object, got a list"),
    ({k: v for k, v in GOOD.items() if k != "sources"}, "missing field 'sources'"),
    ({k: v for k, v in GOOD.items() if k not in ("sources", "type")}, "missing fields 'sources', 'type'"),
    ({**GOOD, "id": 7}, "'id' must be a non-empty string, got a number"),
    ({**GOOD, "question": "  "}, "'question' must be a non-empty string, got an empty string"),
    ({**GOOD, "answer": None}, "'answer' must be a string, got null"),
    ({**GOOD, "sources": "a.txt"}, "'sources' must be a list of strings"),
    ({**GOOD, "must_contain_any": ["x", 3]}, "'must_contain_any' entry 2 must be a non-empty string"),
    ({**GOOD, "type": "easy"}, "unknown type 'easy'"),
    ({**GOOD, "must_contain_any": []}, "a 'single' item needs at least one entry in 'must_contain_any'"),
    ({**GOOD, "type": "multi", "sources": []}, "a 'multi' item needs at least one entry in 'sources'"),
    ({**UNANSWERABLE, "sources": ["a.txt"]}, "an unanswerable item must have an empty 'sources'"),
])
def test_each_mistake_names_file_and_line(tmp_path, bad, reason):
    path = write(tmp_path, UNANSWERABLE, bad)
    with pytest.raises(InvalidInput) as e:
        load_gold(path)
    assert str(e.value).startswith(f"{path}:2: ")
    assert reason in str(e.value)


def test_duplicate_id_names_both_lines(tmp_path):
    path = write(tmp_path, GOOD, UNANSWERABLE, {**UNANSWERABLE, "id": "s01"})
    with pytest.raises(InvalidInput, match=r":3: duplicate id 's01' \(first used on line 1\)"):
        load_gold(path)


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(InvalidInput, match="no gold items"):
        load_gold(write(tmp_path, ""))
    with pytest.raises(NotFound, match="no such gold file"):
        load_gold(tmp_path / "nope.jsonl")


def item(id, type="single"):
    return GoldItem(id, "q", "a", ("a",) if type != "unanswerable" else (),
                    ("d",) if type != "unanswerable" else (), type)


def test_select_first_n_overall_or_per_type():
    items = [item("1"), item("2"), item("3", "multi"), item("4", "unanswerable"), item("5", "multi")]
    assert [i.id for i in select(items, None)] == ["1", "2", "3", "4", "5"]
    assert [i.id for i in select(items, 2)] == ["1", "2"]
    assert [i.id for i in select(items, 1, per_type=True)] == ["1", "3", "4"]
