"""Working days in the town's federal state (Verl: Nordrhein-Westfalen): weekends, Easter,
Christmas, Fronleichnam."""

from datetime import date

import pytest

from feedback.cases.workdays import (
    add_months,
    add_working_days,
    is_working_day,
    working_days_between,
)
from tests.strategy.factories import TownProfileFactory

# The federal state comes from the town profile (tests/conftest.py: Verl's, NW).
pytestmark = pytest.mark.django_db


def test_weekends_and_nrw_holidays_are_no_working_days():
    assert not is_working_day(date(2026, 4, 3))  # Karfreitag
    assert not is_working_day(date(2026, 4, 6))  # Ostermontag
    assert not is_working_day(date(2026, 6, 4))  # Fronleichnam (NW)
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 26))
    assert not is_working_day(date(2026, 6, 6))  # Saturday
    assert is_working_day(date(2026, 10, 31)) is False  # a Saturday in 2026 anyway
    assert is_working_day(date(2026, 6, 5))


def test_fronleichnam_counts_only_where_it_is_a_holiday():
    assert add_working_days(date(2026, 6, 3), 1) == date(2026, 6, 5)
    TownProfileFactory(federal_state="BE")  # Berlin: Fronleichnam is a working day
    assert add_working_days(date(2026, 6, 3), 1) == date(2026, 6, 4)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Thursday before Easter 2026: Karfreitag, weekend, Ostermontag are skipped.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 10, date(2026, 4, 20)),
        # Across Christmas and New Year 2026/27.
        (date(2026, 12, 23), 3, date(2026, 12, 29)),
        (date(2026, 12, 23), 10, date(2027, 1, 8)),
        (date(2026, 6, 1), 10, date(2026, 6, 16)),  # Fronleichnam inside
        (date(2026, 4, 4), 0, date(2026, 4, 7)),  # zero days: the next working day
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == 0


def test_a_month_ends_on_the_same_day_or_the_next_working_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 3, 2)  # 28 Feb is a Saturday
    assert add_months(date(2026, 5, 4), 1) == date(2026, 6, 5)  # 4 June: Fronleichnam
