from django.urls import path

from strategy import views
from strategy.models import Page

app_name = "strategy"

urlpatterns = [
    path("", views.PageDetailView.as_view(), {"slug": Page.HOME}, name="home"),
    path("aufgaben/", views.TaskPageView.as_view(), {"slug": Page.TASKS}, name="tasks"),
    path("strategie/", views.PageDetailView.as_view(), {"slug": Page.STRATEGY}, name="strategy"),
    path("impressum/", views.PageDetailView.as_view(), {"slug": Page.IMPRINT}, name="imprint"),
    path("datenschutz/", views.PageDetailView.as_view(), {"slug": Page.PRIVACY}, name="privacy"),
    path(
        "barrierefreiheit/",
        views.PageDetailView.as_view(),
        {"slug": Page.ACCESSIBILITY},
        name="accessibility",
    ),
    path("seite/<slug:slug>/", views.PageDetailView.as_view(), name="page"),
]
