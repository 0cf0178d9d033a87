"""What the feedback app's admin pages share.

The comment queue and the inbox stay fast at a million rows: `LargeTablePaginator` counts
exactly only up to a bound and shows PostgreSQL's estimate beyond it; every filter and
offered order of those lists has an index ending in the list's order (`-created_at, -id` /
`-last_message_at, -id`), `sortable_by` offers only orders with an index, and
`list_select_related`/prefetching keep a page at a fixed number of queries. Bulk actions
call the services through `bulk_apply`, never a plain save.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

T = TypeVar("T")


class LargeTablePaginator(Paginator):
    """Exact counts for short lists; PostgreSQL's estimate for long ones.

    A COUNT(*) over a million comments costs a good part of a second on every view of the
    queue. Up to `EXACT_LIMIT` rows the list is counted exactly (the count stops there, so
    its cost is bounded); beyond, the number shown is the planner's estimate: the table's
    row estimate (`pg_class.reltuples`) when nothing is filtered, otherwise EXPLAIN's.
    """

    EXACT_LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.combinator:
            # Rows, not what is shown of them: the list's joins to one related row add no
            # rows (and a joined table's missing statistics could skew the estimate), and an
            # annotation made for the page (a subquery per row) would be computed for every
            # row counted or estimated.
            if queryset.query.select_related:
                queryset = queryset.select_related(None)
            if queryset.query.annotations:
                queryset = queryset.values("pk")
        bounded = queryset[: self.EXACT_LIMIT + 1].count()
        if bounded <= self.EXACT_LIMIT:
            return bounded
        return max(bounded, estimated_rows(queryset))


def estimated_rows(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows of `queryset`, without reading them: the table's
    row estimate (`pg_class.reltuples`) when nothing is filtered, otherwise EXPLAIN's."""
    with connections[queryset.db].cursor() as cursor:
        if not queryset.query.where and not queryset.query.combinator:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            return cursor.fetchone()[0]
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])


def bulk_apply(objects: Iterable[T], step: Callable[[T], object]) -> tuple[int, int]:
    """Take a bulk action's step (a service call) on each object: (done, refused).

    A step the service refuses with a ValidationError (the object's state does not allow it)
    is counted, not fatal, so one such object does not stop the others.
    """
    done = refused = 0
    for obj in objects:
        try:
            step(obj)
        except ValidationError:
            refused += 1
        else:
            done += 1
    return done, refused


class ReadOnlyInline:
    """An inline of rows the services write (log entries, reports, messages): shown as they
    are, never added, changed or deleted here. Mixed in before Django's inline class."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
