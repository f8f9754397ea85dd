from datetime import date, timedelta
from decimal import Decimal

import pytest

from kleinkasso.law import BaseRateUnknown, LawError, base_rate
from kleinkasso.law.base_rate import (
    base_rate_table,
    half_year_end,
    half_year_start,
    parse_base_rate_table,
)

# Published base rates (Deutsche Bundesbank) at every half-year since 2002.
PUBLISHED = {
    "2002-01-01": "2.57", "2002-07-01": "2.47", "2003-01-01": "1.97",
    "2003-07-01": "1.22", "2004-01-01": "1.14", "2004-07-01": "1.13",
    "2005-01-01": "1.21", "2005-07-01": "1.17", "2006-01-01": "1.37",
    "2006-07-01": "1.95", "2007-01-01": "2.70", "2007-07-01": "3.19",
    "2008-01-01": "3.32", "2008-07-01": "3.19", "2009-01-01": "1.62",
    "2009-07-01": "0.12", "2010-01-01": "0.12", "2010-07-01": "0.12",
    "2011-01-01": "0.12", "2011-07-01": "0.37", "2012-01-01": "0.12",
    "2012-07-01": "0.12", "2013-01-01": "-0.13", "2013-07-01": "-0.38",
    "2014-01-01": "-0.63", "2014-07-01": "-0.73", "2015-01-01": "-0.83",
    "2015-07-01": "-0.83", "2016-01-01": "-0.83", "2016-07-01": "-0.88",
    "2017-01-01": "-0.88", "2017-07-01": "-0.88", "2018-01-01": "-0.88",
    "2018-07-01": "-0.88", "2019-01-01": "-0.88", "2019-07-01": "-0.88",
    "2020-01-01": "-0.88", "2020-07-01": "-0.88", "2021-01-01": "-0.88",
    "2021-07-01": "-0.88", "2022-01-01": "-0.88", "2022-07-01": "-0.88",
    "2023-01-01": "1.62", "2023-07-01": "3.12", "2024-01-01": "3.62",
    "2024-07-01": "3.37", "2025-01-01": "2.27", "2025-07-01": "1.27",
    "2026-01-01": "1.27", "2026-07-01": "1.52",
}  # fmt: skip


@pytest.mark.parametrize(("day", "rate"), list(PUBLISHED.items()), ids=list(PUBLISHED))
def test_base_rate_every_half_year(day, rate):
    start = date.fromisoformat(day)
    assert base_rate(start) == Decimal(rate)
    assert base_rate(half_year_end(start)) == Decimal(rate)


CHANGES = [
    (day, rate)
    for (day, rate), previous in zip(
        list(PUBLISHED.items())[1:], list(PUBLISHED.values())[:-1], strict=True
    )
    if rate != previous
]


@pytest.mark.parametrize(("day", "rate"), CHANGES, ids=[day for day, _ in CHANGES])
def test_base_rate_change_dates(day, rate):
    start = date.fromisoformat(day)
    assert base_rate(start) == Decimal(rate)
    assert base_rate(start - timedelta(days=1)) != Decimal(rate)


def test_base_rate_table_has_every_half_year():
    table = base_rate_table()
    assert len(table.rates) == len(PUBLISHED)
    assert table.first == date(2002, 1, 1)
    assert table.last == date(2026, 7, 1)
    assert table.version == "base rate 2026-07-01"


@pytest.mark.parametrize(
    ("day", "named"),
    [
        pytest.param(date(2027, 1, 1), "2027-01-01", id="next-half-year"),
        pytest.param(date(2027, 8, 15), "2027-07-01", id="later-half-year"),
        pytest.param(date(2001, 12, 31), "2001-07-01", id="before-2002"),
    ],
)
def test_base_rate_unknown_names_half_year(day, named):
    with pytest.raises(BaseRateUnknown, match=named) as caught:
        base_rate(day)
    assert caught.value.half_year == date.fromisoformat(named)
    assert "2026-12-31" in str(caught.value)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        pytest.param(date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), id="june"),
        pytest.param(date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31), id="july"),
    ],
)
def test_half_year_bounds(day, start, end):
    assert half_year_start(day) == start
    assert half_year_end(day) == end


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("date,rate\n2002-01-01,2.57\n", "header", id="header"),
        pytest.param("valid_from,rate_percent\n", "no rows", id="empty"),
        pytest.param(
            "valid_from,rate_percent\n2002-01-01,2.57\n2003-01-01,1.97\n",
            "expected 2002-07-01",
            id="gap",
        ),
        pytest.param(
            "valid_from,rate_percent\n2002-02-01,2.57\n",
            "1 January or 1 July",
            id="mid",
        ),
        pytest.param("valid_from,rate_percent\n2002-01-01,x\n", "invalid", id="rate"),
        pytest.param("valid_from,rate_percent\n2002-01-01\n", "invalid", id="short"),
        pytest.param(
            "valid_from,rate_percent\n2002-01-01,Infinity\n", "finite", id="infinite"
        ),
    ],
)
def test_parse_base_rate_table_rejects(text, message):
    with pytest.raises(LawError, match=message):
        parse_base_rate_table(text)


def test_parse_base_rate_table_skips_comments_and_blank_lines():
    table = parse_base_rate_table(
        "# source\nvalid_from,rate_percent\n2026-07-01,1.52\n\n2027-01-01,1.77\n"
    )
    assert table.rate(date(2027, 3, 1)) == Decimal("1.77")
