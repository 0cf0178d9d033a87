"""Finding 4: a section of a draft page counted as published, so its comment form
(`/kommentare/neu/<ct>/<id>/`) showed the section's title and took comments.

An item is public only while what it is published under is public too
(`Publishable.publication_parents`: a section's page, a measure's action field).
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from tests.strategy.factories import (
    ActionFieldFactory,
    MeasureFactory,
    PageFactory,
    SectionFactory,
)

HIDDEN = {
    "draft": {"status": "draft"},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=1)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(
    ("factory", "parent", "parent_factory"),
    [(SectionFactory, "page", PageFactory), (MeasureFactory, "action_field", ActionFieldFactory)],
)
def test_an_item_under_an_unpublished_parent_is_no_comment_target(
    client, hidden, factory, parent, parent_factory
):
    item = factory(title="Geheimer Inhalt", **{parent: parent_factory(**HIDDEN[hidden])})
    content_type = ContentType.objects.get_for_model(item)
    url = reverse("feedback:comment_create", args=[content_type.pk, item.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Geheimer Inhalt" not in response.content.decode()
    comment = {"author_name": "Anna", "text": "Ein Kommentar zu einem Entwurf."}
    assert client.post(url, comment).status_code == 404
    type(getattr(item, parent)).objects.update(status="published", publish_at=timezone.now())
    assert "Geheimer Inhalt" in client.get(url).content.decode()
