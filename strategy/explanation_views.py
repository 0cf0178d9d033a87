"""The explanations BITV 2.0 (§ 4, Anlage 2) asks of a public body's start page: in Leichte
Sprache (/leichte-sprache/) and in Deutsche Gebärdensprache (/gebaerdensprache/).

Both are German by nature and stay German under /en/ (marked `lang="de"`). Until the town has
loaded its text or uploaded its videos, each page says so in plain words and how to reach the
CDO, rather than a 404 behind the header's link. Video, captions and poster are served here
(`strategy.files`), for published videos only.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from strategy.files import file_response
from strategy.models import Page, SignLanguageTopic, SignLanguageVideo
from strategy.uploads import poster_media_type
from strategy.views import ContentPageMixin, PageDetailView


class EasyLanguagePageView(PageDetailView):
    """The page `Page.EASY_LANGUAGE`, or a short built-in text while it is not published."""

    template_name = "strategy/page_easy_language.html"

    def get_object(self, queryset: Any = None) -> Page | None:
        try:
            return super().get_object(queryset)
        except Http404:
            return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.object is None:
            return DetailView.get_context_data(self, **kwargs)
        return super().get_context_data(**kwargs)


class SignLanguageView(ContentPageMixin, ListView):
    """The published videos under their four explanations, each with its captions."""

    model = SignLanguageVideo
    template_name = "strategy/signlanguagevideo_list.html"

    def get_queryset(self) -> Any:
        return SignLanguageVideo.objects.published()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        videos = list(context["object_list"])
        context["topics"] = [
            (topic, [video for video in videos if video.topic == topic])
            for topic in SignLanguageTopic
        ]
        return context


# The file parts of a video by their URL name, with their extension for a download's name.
_PARTS = {"video": "video", "untertitel": "captions", "vorschaubild": "poster"}


@require_safe
def sign_language_file(request: HttpRequest, slug: str, part: str) -> HttpResponse:
    """A published video's video file, captions or poster."""
    if part not in _PARTS:
        raise Http404
    video = get_object_or_404(SignLanguageVideo.objects.published(), slug=slug)
    file = getattr(video, _PARTS[part])
    if not file:
        raise Http404
    if part == "video":
        content_type = video.video_type or "application/octet-stream"
        extension = content_type.removeprefix("video/") if video.video_type else "bin"
    elif part == "untertitel":
        content_type, extension = "text/vtt; charset=utf-8", "vtt"
    else:
        with file.open("rb"):
            content_type = poster_media_type(file) or "application/octet-stream"
        extension = content_type.rsplit("/", 1)[-1]
    return file_response(
        request, file, content_type=content_type, filename=f"{video.slug}-{part}.{extension}"
    )
