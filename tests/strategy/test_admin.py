import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from strategy.models import Page


def admin_url(model, action: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


@pytest.mark.usefixtures("verl_content")
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
