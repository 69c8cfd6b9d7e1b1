"""Fast row writes for the import: one prepared statement run with ``executemany``.

``bulk_create`` builds model instances and prepares every value through the ORM; at a
million rows that was most of the import's time. Here each column's database adapter is
chosen once per statement (the same adapters the ORM would use), so SQLite and PostgreSQL
get exactly what ``bulk_create`` would have sent. Column names come from model metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        adapt_datetime = ops.adapt_datetimefield_value
        last: list[Any] = [None, None]

        def adapt_stamp(value: Any) -> Any:
            # A batch stamps every row with the same moment: adapt it once.
            if value is None:
                return None
            if value is not last[0]:
                last[:] = [value, adapt_datetime(value)]
            return last[1]

        return adapt_stamp
    if isinstance(field, models.DateField):
        adapt_date = ops.adapt_datefield_value
        return lambda value: None if value is None else adapt_date(value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def write_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (values in the order of ``names``, the fields' attribute names).

    With ``conflict`` (the fields of a unique constraint) and ``update``, a row whose key is
    already there updates those fields instead (``INSERT … ON CONFLICT … DO UPDATE``).
    """
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    adapters = [_adapter(field) for field in fields]  # type: ignore[arg-type]
    quote = connection.ops.quote_name
    columns = [quote(str(field.column)) for field in fields]  # type: ignore[union-attr]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - model metadata  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if conflict:
        keys = ", ".join(quote(str(meta.get_field(name).column)) for name in conflict)  # type: ignore[union-attr]
        changes = ", ".join(
            f"{quote(col)} = excluded.{quote(col)}"
            for col in (str(meta.get_field(name).column) for name in update)  # type: ignore[union-attr]
        )
        # Quoted column names from the model's metadata; every value is a bound parameter.
        sql += f" ON CONFLICT ({keys}) DO UPDATE SET {changes}"  # nosec B608
    prepared = [
        tuple(adapt(value) for adapt, value in zip(adapters, row, strict=True)) for row in rows
    ]
    if not prepared:
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def tune_for_bulk_writes() -> None:
    """Give SQLite a larger page cache for this connection while a big import runs.

    The import inserts into several indexes in no particular order; with SQLite's default
    2 MB cache their pages are read back from disk again and again.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")  # 64 MiB, at most
