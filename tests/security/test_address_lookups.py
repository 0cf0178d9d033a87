"""Finding 2: an editor (role Redaktion, which must not see commenters' addresses) recovered
an address through the comment list's URL lookups, one character at a time
(`?author_email__startswith=v`; `__regex` too). No lookup, ordering or search reaches a
field the role may not see."""

import pytest

from feedback.comments.admin import ADDRESS_FIELDS
from tests.feedback.factories import ApprovedCommentFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

LIST = "/admin/feedback/comment/"


@pytest.fixture
def comment(page):
    account = UserFactory(email="verborgen@example.org")
    return ApprovedCommentFactory(
        target=page, author_name="Vera", author_email="verborgen@example.org", user=account
    )


@pytest.mark.parametrize("field", sorted(ADDRESS_FIELDS))
@pytest.mark.parametrize("lookup", ["", "__startswith", "__istartswith", "__regex", "__contains"])
def test_an_editor_cannot_filter_on_a_hidden_field(editor, comment, field, lookup):
    response = signed_in(editor).get(LIST, {f"{field}{lookup}": "v"})
    assert response.status_code == 400
    assert "verborgen" not in response.content.decode()


@pytest.mark.parametrize("lookup", ["user__email__startswith", "user__email__regex"])
def test_an_editor_cannot_reach_an_account_address_through_a_relation(editor, comment, lookup):
    assert signed_in(editor).get(LIST, {lookup: "v"}).status_code == 400


def test_an_editors_search_and_ordering_do_not_reach_the_address(editor, comment):
    client = signed_in(editor)
    assert "Vera" not in client.get(LIST, {"q": "verborgen@"}).content.decode()
    # Ordering goes by the shown columns only; an index past them is ignored.
    for index in range(12):
        response = client.get(LIST, {"o": str(index)})
        assert response.status_code == 200
        assert "verborgen" not in response.content.decode()


def test_a_moderator_still_filters_by_address(moderator_client, comment):
    response = moderator_client.get(LIST, {"author_email__startswith": "verb"})
    assert response.status_code == 200
    assert "Vera" in response.content.decode()
