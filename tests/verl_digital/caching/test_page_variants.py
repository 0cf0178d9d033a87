"""Only variants that exist are stored: a flood of made-up parameters stores nothing.

A page that is stored is served the second time without a query; one that is not is
rendered again.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from verl_digital.caching import pagecache

pytestmark = pytest.mark.django_db


def stored(path: str, params: dict | list | None = None) -> bool:
    """Whether the second anonymous request is served from the cache."""
    first = Client().get(path, params)
    assert first.status_code == 200, first.status_code
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path, params).status_code == 200
    return len(queries) == 0


@pytest.mark.parametrize(
    ("params", "kept"),
    [
        ({"q": "Digitalisierung"}, True),
        ({"q": "Digitalisierung", "page": "1"}, True),
        ({"q": "xylophonquartett"}, False),  # no results
        ({"q": "  Digitalisierung "}, False),  # stray spaces
        ({"q": "Digitalisierung  Verl"}, False),
        ({"q": "Digitalisierung", "page": "01"}, False),  # another spelling of page 1
        ({"q": "Digitalisierung", "page": "999"}, False),  # shows the last page
        ({"q": "Digitalisierung", "page": "letzte"}, False),
    ],
)
def test_search_stores_only_queries_with_results_in_their_canonical_form(
    verl_content, params, kept
):
    assert stored("/suche/", params) is kept


def test_a_parameter_given_twice_is_not_stored(verl_content):
    assert not stored("/suche/?q=Digitalisierung&q=Verl")


@pytest.mark.parametrize(("number", "kept"), [("1", True), ("01", False), ("999999", False)])
def test_comment_page_numbers_are_stored_only_where_the_page_exists(verl_content, number, kept):
    assert stored("/", {"kommentare": number}) is kept


@pytest.mark.parametrize(("number", "kept"), [("1", True), ("001", False)])
def test_list_page_numbers_are_stored_only_as_the_paginator_spells_them(
    verl_demo_content, number, kept
):
    assert stored("/strategie/massnahmen/", {"page": number}) is kept


def test_a_path_keeps_a_bounded_number_of_variants(verl_content, monkeypatch):
    monkeypatch.setattr(pagecache, "MAX_VARIANTS", 2)
    words = ["Digitalisierung", "Verl", "Bürger", "Stadt"]
    kept = [stored("/suche/", {"q": word}) for word in words]
    assert kept == [True, True, False, False]
    assert stored("/")  # a page without parameters is not counted
