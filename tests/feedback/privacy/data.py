"""What the privacy tests look for."""

from django.db import connection

ANNA = "anna@example.org"
BERT = "bert@example.org"


def everything_stored() -> str:
    """Every row of every table as text: what a full dump of the database would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)
