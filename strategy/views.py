from typing import Any

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView

from strategy.models import Page, Section, Task


class PageDetailView(DetailView):
    """A content page with its sections; drafts are a 404 for the public, a preview for staff."""

    model = Page
    context_object_name = "page"

    def get_queryset(self) -> QuerySet[Page]:
        user = self.request.user
        return Page.objects.visible_to(user).prefetch_related(
            Prefetch(
                "sections", queryset=Section.objects.visible_to(user), to_attr="visible_sections"
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = self.object
        if any(section.includes_task_list for section in page.visible_sections):
            context["tasks"] = Task.objects.visible_to(self.request.user)
        return context


class TaskPageView(PageDetailView):
    template_name = "strategy/task_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tasks"] = Task.objects.visible_to(self.request.user)
        return context
