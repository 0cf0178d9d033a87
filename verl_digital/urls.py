"""Root URLs: the public site in German at the root and in English under /en/.

The public site is in `i18n_patterns(…, prefix_default_language=False)`, with the same
(German) paths in both languages; the health check, the admin (German for staff) and the
captcha's names are outside. The language comes from the URL alone: with this setting
`LocaleMiddleware` (after the session middleware) activates LANGUAGE_CODE for every path
without a prefix and ignores Accept-Language and the language cookie there, so nothing
redirects. (It still adds `Vary: Accept-Language` to those responses, although they do not
vary.) The language switch and the hreflang alternates of every page come from
`verl_digital.context_processors.language_versions`.
"""

from allauth.account.decorators import secure_admin_login
from captcha.urls import urlpatterns as captcha_urls
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from strategy import town_views
from verl_digital import views

# Without a town's name yet; verl_digital.admin names the town per request.
admin.site.site_header = _("Digitalisierung – Verwaltung")
admin.site.site_title = _("Digitalisierung")
admin.site.index_title = _("Inhalte und Rückmeldungen")
admin.site.site_url = "/"
# Staff sign in through allauth like everybody else: its rate limits, lockout and second
# factor apply; the admin's own password form is never shown.
admin.site.login = secure_admin_login(admin.site.login)

# Outside the language prefix: machines (health check, security.txt), staff (the admin stays German) and
# the captcha's names.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    # The town's colours and coat of arms, one URL for every language (strategy.town_views).
    path("marke.css", town_views.stylesheet, name="town_stylesheet"),
    path("wappen/<slug:version>.<str:kind>", town_views.coat_of_arms, name="town_coat_of_arms"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # django-simple-captcha's widget insists that its URL names exist, but the text captcha
    # shows no image, sound or refresh button, and the library's refresh view would store a
    # new question for every anonymous GET: under these names there is nothing.
    path(
        "captcha/",
        include(
            [re_path(p.pattern.regex.pattern, views.not_offered, name=p.name) for p in captcha_urls]
        ),
    ),
]

# The public site: German at the root, English under /en/ with the same (German) paths.
# Feeds and calendars follow the page language; the open-data files are the same German
# dataset under both (strategy.views).
# The content pages first: most requests are for them, and patterns are tried in order.
urlpatterns += i18n_patterns(
    path("", include("strategy.urls")),
    path("", include("feedback.urls")),
    path("konto/2fa/freischalten/", include("verl_digital.accounts.urls")),
    path("konto/", include("allauth.urls")),
    prefix_default_language=False,
)

handler400 = "verl_digital.views.bad_request"
handler500 = "verl_digital.views.server_error"
