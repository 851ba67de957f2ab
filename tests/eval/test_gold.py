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


def test_the_real_a_or_b_questions_are_choice_items_with_the_wrong_option():
    from eval.corpora import GOLD_DIR

    items = [i for path in sorted(GOLD_DIR.glob("*.jsonl")) for i in load_gold(path)]
    a_or_b = {i.id for i in items if i.answerable and ": " in i.question and " or " in i.question}
    choice = {i.id for i in items if i.kind == "choice"}
    # every "...: A or B?" question is a choice item; a choice may also name its options
    # earlier ("Capriati and Seles both missed it. Which of them had won it more times?")
    assert a_or_b <= choice and len(a_or_b) >= 9
    assert all(i.must_not_contain for i in items if i.kind == "choice")


CHOICE = {"id": "c1", "question": "Who is older: Rock or Day-Lewis?", "answer": "Day-Lewis",
          "must_contain_any": ["Day-Lewis"], "must_not_contain": ["Rock"], "sources": ["a.txt", "b.txt"],
          "type": "multi", "kind": "choice"}


def test_optional_fields_are_parsed_and_not_left_in_extra(tmp_path):
    path = write(tmp_path, {**CHOICE, "style": "reader", "topic": "film",
                            "needed_sources": [["a.txt"], ["b.txt"]]}, GOOD)
    choice, plain = load_gold(path)
    assert choice.must_not_contain == ("Rock",) and choice.kind == "choice" and choice.style == "reader"
    assert choice.needed_sources == (("a.txt",), ("b.txt",)) and choice.extra == {"topic": "film"}
    assert plain.must_not_contain == () and plain.kind is None and plain.style is None
    assert plain.style_name == "default" and choice.style_name == "reader"


def test_source_groups_default_by_type():
    assert item("1").source_groups == (("d",),)
    multi = GoldItem("m", "q", "a", ("a",), ("x", "y", "x"), "multi")
    assert multi.source_groups == (("x",), ("y",))  # every source needed, duplicates once
    single = GoldItem("s", "q", "a", ("a",), ("x", "y"), "single")
    assert single.source_groups == (("x", "y"),)  # any one source is enough
    assert item("u", "unanswerable").source_groups == ()


@pytest.mark.parametrize("bad,reason", [
    ({**GOOD, "question": "Who spoke, Rutte?"}, "'must_contain_any' entry 'Rutte' already appears in the question"),
    ({**GOOD, "question": "What did Rutte's office say?"}, "entry 'Rutte' already appears in the question"),
    ({**GOOD, "must_not_contain": "Stoltenberg"}, "'must_not_contain' must be a list of strings"),
    ({**GOOD, "must_not_contain": [""]}, "'must_not_contain' entry 1 must be a non-empty string"),
    ({**UNANSWERABLE, "must_not_contain": ["x"]}, "an unanswerable item must have an empty 'must_not_contain'"),
    ({**GOOD, "kind": 7}, "'kind' must be a non-empty string"),
    ({k: v for k, v in CHOICE.items() if k != "must_not_contain"}, "a 'choice' item needs 'must_not_contain'"),
    ({**CHOICE, "must_not_contain": ["Stoltenberg"]}, "must name an option of the question"),
    ({**CHOICE, "must_contain_any": ["Rock Day-Lewis"]}, "mentions the 'must_not_contain' entry 'Rock'"),
    ({**GOOD, "style": "multi"}, "style 'multi' is reserved"),
    ({**GOOD, "style": 3}, "'style' must be a non-empty string, got a number"),
    ({**CHOICE, "needed_sources": ["a.txt"]}, "'needed_sources[1]' must be a list of strings"),
    ({**CHOICE, "needed_sources": [["a.txt"], ["z.txt"]]}, "group 2 names 'z.txt', which is not in 'sources'"),
    ({**CHOICE, "needed_sources": [["a.txt"]]}, "source 'b.txt' is in no 'needed_sources' group"),
    ({**CHOICE, "needed_sources": [["a.txt"], []]}, "'needed_sources' group 2 is empty"),
])
def test_each_new_field_mistake_names_file_and_line(tmp_path, bad, reason):
    path = write(tmp_path, UNANSWERABLE, bad)
    with pytest.raises(InvalidInput) as e:
        load_gold(path)
    assert str(e.value).startswith(f"{path}:2: ")
    assert reason in str(e.value)


def test_a_number_in_the_question_only_clashes_as_a_whole_number(tmp_path):
    ok = {**GOOD, "question": "How many of the 400 delegates voted?", "must_contain_any": ["40"]}
    assert load_gold(write(tmp_path, ok))[0].must_contain_any == ("40",)
    with pytest.raises(InvalidInput, match="entry '40' already appears"):
        load_gold(write(tmp_path, {**ok, "question": "Which 40 delegates voted?"}))


def test_a_choice_item_may_name_its_options_in_the_question(tmp_path):
    assert load_gold(write(tmp_path, CHOICE))[0].kind == "choice"


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
    with pytest.raises(NotFound, match="no such gold file"):
        load_gold(str(tmp_path / "nope.jsonl"))  # a path given as text, as from a script


def item(id, type="single"):
    return GoldItem(id, "q", "a", ("a",) if type != "unanswerable" else (),
                    ("d",) if type != "unanswerable" else (), type)


def test_select_first_n_overall_or_per_type():
    items = [item("1"), item("2"), item("3", "multi"), item("4", "unanswerable"), item("5", "multi")]
    assert [i.id for i in select(items, None)] == ["1", "2", "3", "4", "5"]
    assert [i.id for i in select(items, 2)] == ["1", "2"]
    assert [i.id for i in select(items, 1, per_type=True)] == ["1", "3", "4"]
