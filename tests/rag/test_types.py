"""The plain data types: Filters check themselves when built."""

from datetime import date

import pytest

from rag.errors import InvalidInput
from rag.types import Filters


def test_filters_refuse_since_after_until():
    with pytest.raises(InvalidInput, match=r"since \(2005-02-01\) is after until \(2005-01-01\)"):
        Filters(since=date(2005, 2, 1), until=date(2005, 1, 1))
    assert Filters(since=date(2005, 1, 1), until=date(2005, 1, 1)).since == date(2005, 1, 1)


def test_filters_parse_user_text():
    assert Filters.parse("2005-01-02T10:00:00Z", None, "BBC") == Filters(since=date(2005, 1, 2), source="BBC")
    assert Filters.parse(None, None, "").is_empty()
    with pytest.raises(InvalidInput, match="not an ISO date"):
        Filters.parse("last week")
