from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from verl_digital import views

admin.site.site_header = _("Verl Digital – Verwaltung")
admin.site.site_title = _("Verl Digital")
admin.site.index_title = _("Inhalte und Rückmeldungen")
admin.site.site_url = "/"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("captcha/", include("captcha.urls")),
    path("", include("feedback.urls")),
    path("", include("strategy.urls")),
]
