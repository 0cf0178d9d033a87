from django.urls import path

from strategy import explanation_views, feeds, views
from strategy.models import Page

app_name = "strategy"

urlpatterns = [
    path("", views.PageDetailView.as_view(), {"slug": Page.HOME}, name="home"),
    path("aufgaben/", views.TaskPageView.as_view(), {"slug": Page.TASKS}, name="tasks"),
    # Strategy: action fields, measures, their progress and the open data.
    path("strategie/", views.StrategyPageView.as_view(), {"slug": Page.STRATEGY}, name="strategy"),
    path(
        "strategie/handlungsfelder/<slug:slug>/",
        views.ActionFieldDetailView.as_view(),
        name="actionfield",
    ),
    path("strategie/massnahmen/", views.MeasureListView.as_view(), name="measure_list"),
    path("strategie/massnahmen/feed/", feeds.MeasureUpdateFeed(), name="measure_feed"),
    path("strategie/massnahmen/<slug:slug>/", views.MeasureDetailView.as_view(), name="measure"),
    path("strategie/daten.json", views.strategy_data_json, name="data_json"),
    path("strategie/daten.csv", views.strategy_data_csv, name="data_csv"),
    path("strategie/daten.schema.json", views.strategy_data_schema, name="data_schema"),
    # Projects, best practice, networks.
    path("projekte/", views.ProjectListView.as_view(), name="project_list"),
    path("projekte/<slug:slug>/", views.ProjectDetailView.as_view(), name="project"),
    path("best-practice/", views.BestPracticeListView.as_view(), name="bestpractice_list"),
    path(
        "best-practice/<slug:slug>/",
        views.BestPracticeDetailView.as_view(),
        name="bestpractice",
    ),
    path("netzwerke/", views.NetworkListView.as_view(), name="network_list"),
    path("netzwerke/<slug:slug>/", views.NetworkDetailView.as_view(), name="network"),
    # Dialogangebote (events): upcoming, past, iCalendar and Atom.
    path("dialog/", views.EventListView.as_view(), name="event_list"),
    path("dialog/archiv/", views.EventListView.as_view(past=True), name="event_archive"),
    path("dialog/feed/", feeds.EventFeed(), name="event_feed"),
    path("dialog/kalender.ics", views.event_calendar, name="event_calendar"),
    path("dialog/<slug:slug>.ics", views.event_ics, name="event_ics"),
    path("dialog/<slug:slug>/", views.EventDetailView.as_view(), name="event"),
    # News.
    path("neuigkeiten/", views.NewsListView.as_view(), name="news_list"),
    path("neuigkeiten/feed/", feeds.NewsFeed(), name="news_feed"),
    path("neuigkeiten/<slug:slug>/", views.NewsDetailView.as_view(), name="news"),
    path("suche/", views.search_view, name="search"),
    # Legal pages and any further page.
    path("impressum/", views.PageDetailView.as_view(), {"slug": Page.IMPRINT}, name="imprint"),
    path("datenschutz/", views.PageDetailView.as_view(), {"slug": Page.PRIVACY}, name="privacy"),
    path(
        "barrierefreiheit/",
        views.PageDetailView.as_view(),
        {"slug": Page.ACCESSIBILITY},
        name="accessibility",
    ),
    # The start page's explanations in Leichte Sprache and Gebärdensprache (BITV 2.0).
    path(
        "leichte-sprache/",
        explanation_views.EasyLanguagePageView.as_view(),
        {"slug": Page.EASY_LANGUAGE},
        name="easy_language",
    ),
    path("gebaerdensprache/", explanation_views.SignLanguageView.as_view(), name="sign_language"),
    path(
        "gebaerdensprache/<slug:slug>/<slug:part>/",
        explanation_views.sign_language_file,
        name="sign_language_file",
    ),
    path("seite/<slug:slug>/", views.PageDetailView.as_view(), name="page"),
]
