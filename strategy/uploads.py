"""Checks of uploaded sign-language files, by their content and never by their name.

A video is MP4 (an ISO BMFF `ftyp` box with an MP4 brand) or WebM (an EBML header with the
DocType "webm"), as `filetype` reads them from the first bytes; captions are WebVTT that
webvtt-py parses, with at least one cue; a poster is a JPEG, PNG or WebP image. Each file
has a size limit, the video's from `SIGN_LANGUAGE_VIDEO_MAX_BYTES`. A refusal is a German
`ValidationError` on the field, so nothing is stored.
"""

from __future__ import annotations

import io

import filetype
import webvtt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from webvtt.errors import MalformedFileError

VIDEO_TYPES = {"video/mp4", "video/webm"}
POSTER_TYPES = {"image/jpeg", "image/png", "image/webp"}
CAPTIONS_MAX_BYTES = 1024 * 1024
POSTER_MAX_BYTES = 5 * 1024 * 1024
# Enough for every signature filetype knows (the WebM DocType sits in the EBML header).
_HEAD_BYTES = 8192


def _head(file: File) -> bytes:
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    return head


def _size_check(file: File, limit: int) -> None:
    if file.size > limit:
        raise ValidationError(
            _("Die Datei ist zu groß (%(size)s). Erlaubt sind höchstens %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def video_media_type(file: File) -> str | None:
    """ "video/mp4" or "video/webm" as the content says, else None."""
    kind = filetype.video_match(_head(file))
    return kind.mime if kind is not None and kind.mime in VIDEO_TYPES else None


def video_check(file: File) -> None:
    _size_check(file, settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES)
    if video_media_type(file) is None:
        raise ValidationError(
            _(
                "Das ist kein Video im Format MP4 oder WebM. Bitte laden Sie eine MP4- oder WebM-Datei hoch."
            ),
            code="video_type",
        )


def captions_check(file: File) -> None:
    _size_check(file, CAPTIONS_MAX_BYTES)
    file.seek(0)
    raw = file.read()
    file.seek(0)
    try:
        # utf-8-sig drops the optional byte order mark before "WEBVTT".
        captions = webvtt.from_buffer(io.StringIO(raw.decode("utf-8-sig")))
    except (UnicodeDecodeError, MalformedFileError):
        captions = None
    if not captions:
        raise ValidationError(
            _(
                "Das sind keine Untertitel im Format WebVTT: Die Datei muss mit „WEBVTT“ beginnen "
                "und mindestens einen Untertitel mit Zeitangabe enthalten (UTF-8)."
            ),
            code="captions",
        )


def poster_media_type(file: File) -> str | None:
    """ "image/jpeg", "image/png" or "image/webp" as the content says, else None."""
    kind = filetype.image_match(_head(file))
    return kind.mime if kind is not None and kind.mime in POSTER_TYPES else None


def poster_check(file: File) -> None:
    _size_check(file, POSTER_MAX_BYTES)
    if poster_media_type(file) is None:
        raise ValidationError(
            _("Das Vorschaubild muss ein Bild im Format JPEG, PNG oder WebP sein."),
            code="poster_type",
        )
