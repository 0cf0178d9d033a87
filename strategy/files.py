"""Uploaded files served by the site itself, with HTTP Range (RFC 9110, section 14).

Media is not served publicly as a folder; a view decides which file may be read (only those
of published items) and hands it here. Browsers ask for video in ranges (`Range: bytes=0-`,
then where the viewer jumps), so a single range is answered 206 with `Content-Range`, a range
beyond the end 416, anything else (no range, several ranges, a malformed header, an
`If-Range` that no longer matches) the whole file with 200. The ETag (size and modification
time) and Last-Modified let browsers revalidate with 304.

django-ranged-response, which django-simple-captcha brings along, reads the whole file into
memory to learn its size on every request; for videos of 200 MB that is not an option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

CHUNK_BYTES = 64 * 1024
# Public files of published items; an hour, then revalidated by ETag.
MAX_AGE = 3600
_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, stop) with stop exclusive for a single satisfiable range; False for a range
    that starts beyond the end (416); None where the header is to be ignored (200)."""
    match = _SINGLE_RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # the last N bytes
        return (max(size - suffix, 0), size) if suffix else False
    start = int(first)
    stop = min(int(last) + 1, size) if last else size
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, stop


def _chunks(file: FieldFile, start: int, length: int) -> Iterator[bytes]:
    # A generator's close() runs the finally: Django closes the response's content when the
    # client is done or gone.
    try:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK_BYTES, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def file_response(
    request: HttpRequest, file: FieldFile, *, content_type: str, filename: str
) -> HttpResponse:
    """The file, or the single range of it the request asks for."""
    try:
        size = file.size
        modified = file.storage.get_modified_time(file.name).timestamp()
    except OSError as error:  # the record outlived its file (a restore without media)
        raise Http404 from error
    etag = f'"{size:x}-{int(modified * 1000):x}"'
    last_modified = http_date(modified)
    conditional = get_conditional_response(request, etag=etag, last_modified=int(modified))
    if conditional is not None:
        return conditional

    span: tuple[int, int] | bool | None = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and if_range in (None, etag, last_modified):
        span = byte_range(request.headers["Range"], size)
    if span is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response

    start, stop = span if span else (0, size)
    file.open("rb")
    response = StreamingHttpResponse(
        _chunks(file, start, stop - start),
        status=206 if span else 200,
        content_type=content_type,
    )
    response["Content-Length"] = str(stop - start)
    if span:
        response["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
