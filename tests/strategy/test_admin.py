from datetime import timedelta

import pytest
from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from strategy.models import Measure, NewsPost, Page, Project
from strategy.signals import measure_status_changed
from tests.strategy.factories import (
    ActionFieldFactory,
    MeasureFactory,
    NewsPostFactory,
    ProjectFactory,
)


def admin_url(model, action: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


@pytest.mark.usefixtures("verl_demo_content")
def test_every_admin_page_loads_for_staff(admin_client, superuser, rf):
    request = rf.get("/")
    request.user = superuser
    assert admin_client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        for url in (admin_url(model, "changelist"),):
            assert admin_client.get(url).status_code == 200, url
            assert admin_client.get(url, {"q": "Verl"}).status_code == 200, url
        if model_admin.has_add_permission(request):
            url = admin_url(model, "add")
            assert admin_client.get(url).status_code == 200, url
        obj = model._default_manager.first()
        if obj is not None:
            for action in ("change", "history"):
                url = admin_url(model, action, obj.pk)
                assert admin_client.get(url).status_code == 200, url


@pytest.mark.usefixtures("verl_content")
def test_page_change_form_offers_view_on_site(admin_client):
    page = Page.objects.get(slug=Page.HOME)
    html = admin_client.get(admin_url(Page, "change", page.pk)).content.decode()
    content_type = ContentType.objects.get_for_model(Page)
    assert reverse("admin:view_on_site", args=[content_type.pk, page.pk]) in html


@pytest.mark.usefixtures("verl_content")
def test_page_changelist_searches_and_filters(admin_client):
    url = admin_url(Page, "changelist")
    html = admin_client.get(url, {"q": "Impressum"}).content.decode()
    assert "Datenschutzerklärung" not in html
    assert "Impressum" in html
    html = admin_client.get(url, {"status__exact": "draft"}).content.decode()
    assert "0 Seiten" in html or "0 von" in html


@pytest.mark.django_db
def test_admin_requires_staff(client):
    response = client.get(admin_url(Page, "changelist"))
    assert response.status_code == 302


def form_data(form) -> dict:
    """What a browser would post back for an admin form as it was rendered."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.SplitDateTimeField):
            value = timezone.localtime(value)
            data[f"{name}_0"] = value.date().isoformat()
            data[f"{name}_1"] = value.time().isoformat()
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [obj.pk for obj in value or []]
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


@pytest.mark.django_db
def test_changes_are_recorded_with_user_and_diff_and_can_be_reverted(admin_client, superuser):
    measure = MeasureFactory(title="E-Akte", slug="e-akte", progress="planned")
    change_url = admin_url(Measure, "change", measure.pk)
    form = admin_client.get(change_url).context["adminform"].form
    data = form_data(form) | {
        "title": "E-Akte für alle",
        "progress": "in_progress",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert (measure.title, measure.progress) == ("E-Akte für alle", "in_progress")

    # The new status is its own entry, written by measure_set_status with a reason.
    status_entry, edit_entry = measure.history.all()[:2]
    assert status_entry.history_user == edit_entry.history_user == superuser
    assert status_entry.history_type == edit_entry.history_type == "~"
    assert status_entry.diff_against(edit_entry).changed_fields == ["progress"]
    assert status_entry.history_change_reason == "Umsetzungsstand: geplant → in Umsetzung"
    assert edit_entry.diff_against(edit_entry.prev_record).changed_fields == ["title"]

    history = admin_client.get(admin_url(Measure, "history", measure.pk)).content.decode()
    assert "admin" in history
    assert "E-Akte für alle" in history
    assert "&rarr;" in history  # old → new per changed field

    original = measure.history.last()
    revert_url = reverse(
        "admin:strategy_measure_simple_history", args=[measure.pk, original.history_id]
    )
    revert_form = admin_client.get(revert_url).context["adminform"].form
    assert revert_form.initial["title"] == "E-Akte"
    response = admin_client.post(revert_url, form_data(revert_form))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.progress) == ("E-Akte", "planned")
    assert measure.history.count() == 5
    assert measure.history.first().history_user == superuser


@pytest.mark.django_db
def test_linking_measures_to_a_project_is_recorded(admin_client):
    project = ProjectFactory(title="Servicekonto")
    measure = MeasureFactory(title="Onlinedienste")
    change_url = admin_url(Project, "change", project.pk)
    data = form_data(admin_client.get(change_url).context["adminform"].form)
    data["measures"] = [measure.pk]
    assert admin_client.post(change_url, data).status_code == 302
    latest = project.history.first()
    delta = latest.diff_against(latest.prev_record)
    assert "measures" in delta.changed_fields
    assert [row.measure_id for row in latest.measures.all()] == [measure.pk]


@pytest.mark.django_db
def test_publication_state_filter_tells_scheduled_from_published(admin_client):
    NewsPostFactory(title="Live-Meldung")
    NewsPostFactory(title="Geplante Meldung", publish_at=timezone.now() + timedelta(days=2))
    NewsPostFactory(title="Entwurfsmeldung", status="draft")
    url = admin_url(NewsPost, "changelist")
    for state, expected in [
        ("scheduled", "Geplante Meldung"),
        ("published", "Live-Meldung"),
        ("draft", "Entwurfsmeldung"),
    ]:
        html = admin_client.get(url, {"sichtbarkeit": state}).content.decode()
        shown = {t for t in ("Live-Meldung", "Geplante Meldung", "Entwurfsmeldung") if t in html}
        assert shown == {expected}, state
    html = admin_client.get(url).content.decode()
    assert "Geplant" in html


@pytest.mark.django_db
def test_sichtbarkeit_of_a_measure_follows_its_action_field(admin_client):
    MeasureFactory(
        title="Maßnahme im Entwurfsfeld", action_field=ActionFieldFactory(status="draft")
    )
    url = admin_url(Measure, "changelist")
    for state, shown in [("draft", True), ("scheduled", False), ("published", False)]:
        html = admin_client.get(url, {"sichtbarkeit": state}).content.decode()
        assert ("Maßnahme im Entwurfsfeld" in html) is shown, state
    html = admin_client.get(url).content.decode()
    assert '<td class="field-state">Entwurf</td>' in html


@pytest.mark.django_db
def test_a_status_change_in_the_admin_goes_through_the_service_and_is_announced(
    admin_client, superuser, django_capture_on_commit_callbacks
):
    measure = MeasureFactory(progress="planned")
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    measure_status_changed.connect(receiver)
    try:
        change_url = admin_url(Measure, "change", measure.pk)
        data = form_data(admin_client.get(change_url).context["adminform"].form) | {
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        }
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(change_url, data).status_code == 302  # status unchanged
        assert received == []
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(change_url, data | {"progress": "done"})
        assert response.status_code == 302
    finally:
        measure_status_changed.disconnect(receiver)
    [sent] = received
    assert sent["measure"].pk == measure.pk
    assert (sent["old_status"], sent["new_status"]) == ("planned", "done")
    assert sent["changed_by"] == superuser


@pytest.mark.django_db
def test_a_forbidden_status_change_is_a_form_error(admin_client):
    measure = MeasureFactory(progress="done")
    change_url = admin_url(Measure, "change", measure.pk)
    data = form_data(admin_client.get(change_url).context["adminform"].form) | {
        "progress": "planned",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = admin_client.post(change_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["progress"] == [
        "Eine Maßnahme im Stand „umgesetzt“ kann nicht auf „geplant“ gesetzt werden."
    ]
    measure.refresh_from_db()
    assert measure.progress == "done"
