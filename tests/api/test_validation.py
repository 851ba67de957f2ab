"""Settings-dependent request checks."""

from __future__ import annotations

from datetime import date

import pytest

from api.schemas import FiltersIn
from api.validation import check_text, check_top_k, to_filters
from rag.errors import InvalidInput
from rag.settings import Settings
from rag.types import Filters


@pytest.fixture
def limits(tmp_path):
    return Settings(data_dir=tmp_path, max_question_chars=10, max_top_k=5)


def test_text_limits(limits):
    assert check_text("x" * 10, limits) == "x" * 10
    with pytest.raises(InvalidInput, match="11 characters long; the limit is 10"):
        check_text("x" * 11, limits)
    with pytest.raises(InvalidInput, match="the query is empty"):
        check_text(" \n", limits, "query")


def test_top_k_limits(limits):
    assert check_top_k(None, limits) is None and check_top_k(5, limits) == 5
    for bad in (0, 6):
        with pytest.raises(InvalidInput, match="between 1 and 5"):
            check_top_k(bad, limits)


def test_filters():
    assert to_filters(None) is None and to_filters(FiltersIn()) is None
    assert to_filters(FiltersIn(since="2005-01-02T10:00:00Z", source=" BBC ")) == Filters(
        since=date(2005, 1, 2), source="BBC")
    with pytest.raises(InvalidInput, match="is after until"):
        to_filters(FiltersIn(since="2005-02-01", until="2005-01-31"))
