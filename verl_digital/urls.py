from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from feedback import views as feedback_views
from verl_digital import views

admin.site.site_header = _("Verl Digital – Verwaltung")
admin.site.site_title = _("Verl Digital")
admin.site.index_title = _("Inhalte und Rückmeldungen")
admin.site.site_url = "/"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # The captcha's image and audio store its challenge on first use (feedback.views).
    re_path(r"^captcha/image/(?P<key>\w+)/$", feedback_views.captcha_image, {"scale": 1}),
    re_path(r"^captcha/image/(?P<key>\w+)@2/$", feedback_views.captcha_image, {"scale": 2}),
    re_path(r"^captcha/audio/(?P<key>\w+)\.wav$", feedback_views.captcha_audio),
    path("captcha/", include("captcha.urls")),
    path("", include("feedback.urls")),
    path("konto/", include("allauth.urls")),
    path("", include("strategy.urls")),
]

handler500 = "verl_digital.views.server_error"
