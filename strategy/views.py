"""The public pages of published content, each rendered once for all anonymous visitors.

`ContentPageMixin` shares a page (`verl_digital.caching.pagecache`) until content changes or
the next scheduled moment (`strategy.schedule`). `PublishedDetailView` shows drafts to staff
as a preview, once their session passed the second factor (`preview_user`);
`FilteredListView` is a paginated list narrowed by a GET filter form, and an invalid filter
value is a 400 with the form's German error. Lists load related rows with
`select_related`/`prefetch_related`, so their queries do not grow with the rows. Detail
templates extend `strategy/base_detail.html`, which shows the comments through the feedback
app's template tag: templates may use feedback, Python in this app never imports it.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext, override
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from strategy import opendata, schedule
from strategy.forms import (
    BestPracticeFilterForm,
    MeasureFilterForm,
    NetworkFilterForm,
    ProjectFilterForm,
    SearchForm,
)
from strategy.ical import events_to_ical
from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Network,
    NewsPost,
    Page,
    Project,
    PublicationState,
    Section,
    Task,
    can_preview,
    publication_q,
)
from strategy.search import search
from strategy.town import town_file_name, town_profile
from verl_digital.caching import pagecache
from verl_digital.caching.versions import COMMENTS

SEARCH_PAGE_SIZE = 10


def preview_user(request: HttpRequest) -> Any:
    """Whose preview rights count for this request: the signed-in staff member's, once the
    session passed the second factor the admin demands; otherwise nobody's (None), so drafts
    and scheduled items are a 404 as for the public.

    The site marks that with `request.second_factor_passed`, a callable its middleware sets
    (verl_digital.accounts.second_factor); a request without the mark previews nothing.
    """
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return None
    passed = getattr(request, "second_factor_passed", None)
    return user if passed is not None and passed() else None


class ContentPageMixin(pagecache.SharedPageMixin):
    """A public page of published content, rendered once for all anonymous visitors.

    It stays cached until content changes (the admin and the services bump the content
    version), a block on it changes (e.g. its comments) or the next scheduled publication.
    """

    def shared_depends(self) -> None:
        schedule.depend_on_content()


class PageDetailView(ContentPageMixin, DetailView):
    """A content page with its sections; drafts are a 404 for the public, a preview for staff."""

    model = Page
    context_object_name = "page"
    # The tasks are read where a section shows their list, and always for the tasks page.
    lists_tasks = False

    def get_queryset(self) -> QuerySet[Page]:
        user = preview_user(self.request)
        return Page.objects.visible_to(user).prefetch_related(
            Prefetch(
                "sections", queryset=Section.objects.visible_to(user), to_attr="visible_sections"
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sections = self.object.visible_sections
        if self.lists_tasks or any(section.includes_task_list for section in sections):
            context["tasks"] = Task.objects.visible_to(preview_user(self.request))
        return context


class TaskPageView(PageDetailView):
    template_name = "strategy/task_list.html"
    lists_tasks = True


class StrategyPageView(PageDetailView):
    """The strategy intro with the action fields and how far their measures are."""

    template_name = "strategy/strategy_page.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The action fields listed are published, so the measures' own state decides.
        published = publication_q(PublicationState.PUBLISHED, prefixes=["measures__"])
        counts = {
            f"count_{status}": Count("measures", filter=published & Q(measures__progress=status))
            for status in MeasureStatus.values
        }
        context["action_fields"] = ActionField.objects.published().annotate(
            measure_count=Count("measures", filter=published), **counts
        )
        context["measure_statuses"] = MeasureStatus
        return context


def _query_string_for_page_links(request: HttpRequest) -> str:
    """The request's query without its page number: page links keep the filter or search."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class PublishedDetailView(ContentPageMixin, DetailView):
    """Detail of published content; staff with view permission also see drafts (preview)."""

    def get_queryset(self) -> QuerySet:
        return self.model.objects.visible_to(preview_user(self.request))


class FilteredListView(ContentPageMixin, ListView):
    """A paginated list of published content, narrowed by an optional GET filter form.

    An invalid filter value is answered with 400 and the form's German error message.
    """

    filter_form_class: type[forms.Form] | None = None
    # Filter field → the model field it narrows; an empty field ("alle") narrows nothing.
    filter_lookups: dict[str, str] = {}
    paginate_by = 20

    def get_cache_params(self) -> list[str]:
        fields = list(self.filter_form_class.base_fields) if self.filter_form_class else []
        return [*fields, self.page_kwarg]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filter_form = self.filter_form_class(request.GET) if self.filter_form_class else None
        response = super().get(request, *args, **kwargs)
        if self.filter_form is not None and not self.filter_form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self) -> QuerySet:
        queryset = self.get_base_queryset()
        if self.filter_form is not None and self.filter_form.is_valid():
            queryset = self.filter_queryset(queryset, self.filter_form.cleaned_data)
        return queryset

    def get_base_queryset(self) -> QuerySet:
        return self.model.objects.published()

    def filter_queryset(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        lookups = self.filter_lookups.items()
        return queryset.filter(**{lookup: data[name] for name, lookup in lookups if data[name]})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        if context["page_obj"] is not None:
            pagecache.keep_page_number(self.request, self.page_kwarg, context["page_obj"].number)
        context["query_string"] = _query_string_for_page_links(self.request)
        return context


class ActionFieldDetailView(PublishedDetailView):
    model = ActionField

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measures = Measure.objects.visible_to(preview_user(self.request)).filter(
            action_field=self.object
        )
        context["measures"] = measures.order_by("position", "title")
        return context


class MeasureListView(FilteredListView):
    model = Measure
    filter_form_class = MeasureFilterForm
    filter_lookups = {"handlungsfeld": "action_field", "stand": "progress"}
    paginate_by = 30

    def get_base_queryset(self) -> QuerySet:
        return Measure.objects.published().select_related("action_field")

    def filter_queryset(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        queryset = super().filter_queryset(queryset, data)
        ordering = MeasureFilterForm.ORDERINGS.get(data["sortierung"])
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset


class MeasureDetailView(PublishedDetailView):
    model = Measure

    def shared_depends(self) -> None:
        super().shared_depends()
        # "Ihr Feedback – unsere Maßnahmen" lists public comments written on any page.
        pagecache.depend(COMMENTS)

    def get_queryset(self) -> QuerySet:
        user = preview_user(self.request)
        updates = MeasureUpdate.objects.all()
        if not can_preview(user, Measure):
            updates = updates.due()
        return (
            super()
            .get_queryset()
            .select_related("action_field")
            .prefetch_related(
                Prefetch("updates", queryset=updates, to_attr="visible_updates"),
                Prefetch(
                    "projects",
                    queryset=Project.objects.visible_to(user),
                    to_attr="visible_projects",
                ),
            )
        )


class ProjectListView(FilteredListView):
    model = Project
    filter_form_class = ProjectFilterForm
    filter_lookups = {"stand": "progress", "smart_city": "is_smart_city"}


class ProjectDetailView(PublishedDetailView):
    model = Project

    def get_queryset(self) -> QuerySet:
        measures = Measure.objects.visible_to(preview_user(self.request)).select_related(
            "action_field"
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("measures", queryset=measures, to_attr="visible_measures"))
        )


class BestPracticeListView(FilteredListView):
    model = BestPractice
    filter_form_class = BestPracticeFilterForm
    filter_lookups = {"stand": "review"}


class BestPracticeDetailView(PublishedDetailView):
    model = BestPractice


class EventListView(FilteredListView):
    """Upcoming Dialogangebote, soonest first; the archive lists past ones, latest first."""

    model = Event
    past = False

    def get_base_queryset(self) -> QuerySet:
        events = Event.objects.published()
        return events.past() if self.past else events.upcoming()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["past"] = self.past
        return context


class EventDetailView(PublishedDetailView):
    model = Event


class NewsListView(FilteredListView):
    model = NewsPost
    paginate_by = 10


class NewsDetailView(PublishedDetailView):
    model = NewsPost


class NetworkListView(FilteredListView):
    model = Network
    filter_form_class = NetworkFilterForm
    filter_lookups = {"art": "kind"}
    paginate_by = 50


class NetworkDetailView(PublishedDetailView):
    model = Network


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One Dialogangebot as an iCalendar file, to add it to one's own calendar."""
    event = get_object_or_404(Event.objects.visible_to(preview_user(request)), slug=slug)
    response = HttpResponse(
        events_to_ical([event], request=request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def event_calendar(request: HttpRequest) -> HttpResponse:
    """All published Dialogangebote as a calendar feed to subscribe to."""
    events = Event.objects.published().order_by("starts_at")
    body = events_to_ical(
        events,
        request=request,
        name=gettext("Dialogangebote – %(town)s") % {"town": town_profile().name},
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _license_link(response: HttpResponse) -> HttpResponse:
    # RFC 4946: the licence of the data travels with the response, also for the CSV.
    response["Link"] = f'<{opendata.LICENSE["url"]}>; rel="license"'
    return response


# The open data is one German dataset (German keys, labels and page links, see
# docs/OPEN_DATA.md), whether it is fetched from /strategie/… or /en/strategie/….


@require_GET
def strategy_data_json(request: HttpRequest) -> JsonResponse:
    with override(settings.LANGUAGE_CODE):
        data = opendata.strategy_data(request=request)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _license_link(response)


@require_GET
def strategy_data_csv(request: HttpRequest) -> HttpResponse:
    with override(settings.LANGUAGE_CODE):
        body = opendata.strategy_csv(request=request)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    file_name = town_file_name("strategie-massnahmen.csv")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return _license_link(response)


@require_GET
def strategy_data_schema(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        opendata.strategy_schema(request=request),
        content_type="application/schema+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def _search_depends() -> None:
    schedule.depend_on_content()
    pagecache.depend(COMMENTS)  # other apps register searchable comments


@require_GET
@pagecache.shared_page(params=["q", "page"], depends=_search_depends)
def search_view(request: HttpRequest) -> HttpResponse:
    """Full-text search across everything registered in strategy.search."""
    form = SearchForm(request.GET)
    context: dict[str, Any] = {"form": form, "query": "", "page_obj": None}
    status = 200
    if not form.is_valid():
        status = 400
    elif form.cleaned_data["q"].strip():
        context["query"] = form.cleaned_data["q"].strip()
        results = search(context["query"])
        context["words"] = results.words
        page_obj = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        pagecache.keep_page_number(request, "page", page_obj.number)
        # Anybody can ask for any number of distinct searches: only those that find
        # something, spelt without stray spaces, are kept for the next visitor.
        if not results or request.GET["q"] != " ".join(context["query"].split()):
            pagecache.not_stored()
        context["page_obj"] = page_obj
        context["results"] = page_obj.object_list
        context["query_string"] = _query_string_for_page_links(request)
    return render(request, "strategy/search.html", context, status=status)
