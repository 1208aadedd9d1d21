"""Dates and tolls (issue 10 §4): sentences written for these tests, no model load."""
from datetime import date

import pytest

from rasd.code.dates import DateFinder
from rasd.code.fatalities import FatalityCounter, total


@pytest.fixture(scope="module")
def counter():
    return FatalityCounter()


@pytest.fixture(scope="module")
def finder():
    return DateFinder()


def kills(counter, text):
    return total([counter.find(text)], "kill")


def test_a_year_before_a_comma_is_no_count(counter):
    assert kills(counter, "On 3 May 2021, at least four people were killed in the raid.") == 4
    assert kills(counter, "On 3 May 2021, 1,200 people were killed.") == 1200


def test_days_and_years_are_no_share_of_an_allocated_toll(counter):
    text = ("On 14 October 2024, artillery shelled the eastern outskirts, coded to Northtown - Old Quarter "
            "(Northtown, Central). Casualties unknown.")
    assert counter.allocated_figure(text, text) is None
    text = "Total fatalities 9 allocated as follows: 5 Harbor, 4 Hilltop."
    assert counter.allocated_figure(text, "Shelling hit Hilltop.").value == 4
