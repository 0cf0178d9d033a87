"""Staff choose their alerts under /konto/benachrichtigungen/ (and Administration in the admin)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from feedback.models import AlertDelivery, AlertPreference
from tests.feedback.factories import TopicFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

URL = "/konto/benachrichtigungen/"


def test_staff_see_at_once_as_the_default_and_change_it(moderator_client, moderator):
    page = moderator_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert 'value="immediate" id="id_delivery_0" required checked' in html
    assert '<label for="id_delivery_0">sofort</label>' in html

    response = moderator_client.post(URL, {"delivery": AlertDelivery.DAILY})
    assert response.status_code == 302
    assert AlertPreference.objects.get(user=moderator).delivery == AlertDelivery.DAILY
    response = moderator_client.post(URL, {"delivery": AlertDelivery.OFF})
    assert AlertPreference.objects.get(user=moderator).delivery == AlertDelivery.OFF
    assert AlertPreference.objects.count() == 1


def test_an_invalid_choice_is_a_form_error(moderator_client, moderator):
    response = moderator_client.post(URL, {"delivery": "hourly"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not AlertPreference.objects.exists()


def test_citizens_have_no_alert_settings(client):
    citizen = UserFactory()
    assert signed_in(citizen).get(URL).status_code == 404
    assert client.get(URL).status_code == 302  # to the sign-in


def test_the_account_navigation_links_the_page_for_staff_only(moderator_client):
    page = moderator_client.get(reverse("account_email")).content.decode()
    assert f'href="{URL}"' in page
    citizen_page = signed_in(UserFactory()).get(reverse("account_email")).content.decode()
    assert f'href="{URL}"' not in citizen_page


def test_administration_sets_a_staff_members_alerts_in_the_admin(admin_client, moderator):
    add = reverse("admin:feedback_alertpreference_add")
    response = admin_client.post(add, {"user": moderator.pk, "delivery": AlertDelivery.DAILY})
    assert response.status_code == 302, response.content.decode()[:2000]
    preference = AlertPreference.objects.get(user=moderator)
    assert preference.delivery == AlertDelivery.DAILY
    change = reverse("admin:feedback_alertpreference_change", args=[preference.pk])
    response = admin_client.post(change, {"delivery": AlertDelivery.OFF})
    assert response.status_code == 302
    assert AlertPreference.objects.get().delivery == AlertDelivery.OFF


def test_a_topics_responsible_staff_are_set_in_the_admin(admin_client, moderator, roles):
    topic = TopicFactory(name="Smart City")
    group = Group.objects.get(name="Redaktion")
    response = admin_client.post(
        reverse("admin:feedback_topic_change", args=[topic.pk]),
        {
            "name": "Smart City",
            "name_en": "",
            "position": 1,
            "is_active": "on",
            "answer_target": 10,
            "answer_target_unit": "working_days",
            "responsible_group": group.pk,
            "responsible_users": [moderator.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic.refresh_from_db()
    assert topic.responsible_group == group
    assert list(topic.responsible_users.all()) == [moderator]
