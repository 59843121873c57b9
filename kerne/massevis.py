"""Writing many rows at once, for the imports: tens of thousands of lines in a constant number of queries per batch.

A model instance (and Django's bulk_create, which prepares every cell through its field) costs more than reading the
file does, and the rows need none of a model's behaviour: the import checked them already. So rows go in as plain
tuples: COPY on PostgreSQL, one prepared statement run over each batch (`executemany`) on SQLite. Columns the caller
leaves out get their field's default, so a model that gains a field with a default needs no change here.

History (django-simple-history) of rows just written is copied from them in the database (`historik_af`): the rows
`bulk_history_create` would write, one per row, with the time, the kind ("+" created, "~" changed) and the user.
"""

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

BATCH = 5_000

Raekke = Sequence[Any]


@contextmanager
def uden_cyklisk_gc() -> Iterator[None]:
    """Reading a large file makes a hundred thousand small objects, none of which can be part of a reference cycle; each
    few hundred of them would set CPython's cycle collector going, now and then over every object of the process (tens
    of milliseconds each time). Inside this block it waits; reference counting frees memory as always."""
    var_slaaet_til = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if var_slaaet_til:
            gc.enable()


def _forbered(felt: models.Field) -> Callable[[Any], Any] | None:
    """How a value of this field is handed to the database driver, when it is not as it is (dates and times)."""
    if isinstance(felt, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(felt, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _kolonner(model: type[models.Model], kolonner: Sequence[str]) -> tuple[list[models.Field], tuple[Any, ...]]:
    """The fields named (by attname), and the prepared defaults of the others (the auto primary key left out)."""
    felter = {f.attname: f for f in model._meta.concrete_fields}
    navngivne = [felter[k] for k in kolonner]
    oevrige = [f for f in model._meta.concrete_fields if f.attname not in kolonner and f is not model._meta.auto_field]
    navngivne += oevrige
    standard = tuple(f.get_db_prep_save(f.get_default(), connection) for f in oevrige)
    return navngivne, standard


def _forberedte(felter: list[models.Field], raekker: Iterable[Raekke], standard: tuple[Any, ...]) -> Iterable[Raekke]:
    forbered = [(i, f) for i, felt in enumerate(felter[: len(felter) - len(standard)]) if (f := _forbered(felt))]
    if not forbered and not standard:
        return raekker
    if not forbered:
        return (tuple(r) + standard for r in raekker)

    # An import stamps every row with the same time: each distinct value is prepared once.
    forberedte: dict[tuple[int, Any], Any] = {}

    def forberedt(raekke: Raekke) -> tuple[Any, ...]:
        vaerdier = list(raekke)
        for i, f in forbered:
            noegle = (i, vaerdier[i])
            if noegle not in forberedte:
                if len(forberedte) > 1_000:
                    forberedte.clear()
                forberedte[noegle] = f(vaerdier[i])
            vaerdier[i] = forberedte[noegle]
        return tuple(vaerdier) + standard

    return (forberedt(r) for r in raekker)


def indsaet(model: type[models.Model], kolonner: Sequence[str], raekker: Sequence[Raekke]) -> None:
    """Insert rows of `model`, each a tuple of the values of `kolonner` (attnames, e.g. `rammedel_id`)."""
    if not raekker:
        return
    felter, standard = _kolonner(model, kolonner)
    tabel = connection.ops.quote_name(model._meta.db_table)
    navne = ", ".join(connection.ops.quote_name(f.column) for f in felter)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {tabel} ({navne}) FROM STDIN") as copy:
                for raekke in _forberedte(felter, raekker, standard):
                    copy.write_row(raekke)
        else:
            pladser = ", ".join(["%s"] * len(felter))
            sql = f"INSERT INTO {tabel} ({navne}) VALUES ({pladser})"
            for start in range(0, len(raekker), BATCH):
                cursor.executemany(sql, list(_forberedte(felter, raekker[start : start + BATCH], standard)))


def _kopier_midlertidigt(
    cursor: Any, model: type[models.Model], felter: list[models.Field], raekker: Iterable[Raekke]
) -> str:
    """PostgreSQL: the rows COPY'd into a new temporary table of `felter`'s columns, for one statement to take them from
    there. Its (quoted) name is returned; the caller drops it, so a transaction may do this more than once."""
    q = connection.ops.quote_name
    midlertidig = q(f"massevis_{model._meta.db_table}")
    navne = ", ".join(q(f.column) for f in felter)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {midlertidig} AS SELECT {navne} FROM {q(model._meta.db_table)} WITH NO DATA"
    )
    with cursor.copy(f"COPY {midlertidig} ({navne}) FROM STDIN") as copy:
        for raekke in raekker:
            copy.write_row(raekke)
    return midlertidig


def indsaet_eller_opdater(
    model: type[models.Model],
    kolonner: Sequence[str],
    raekker: Sequence[Raekke],
    *,
    noegle: Sequence[str],
    opdater: Sequence[str],
) -> None:
    """`indsaet`, but a row whose `noegle` (the columns of a unique constraint) is already in the table has its
    `opdater` columns set to the row's values instead (an upsert: INSERT … ON CONFLICT DO UPDATE, on SQLite and
    PostgreSQL alike). On PostgreSQL the rows go by COPY into a temporary table first, so it is four queries in all."""
    if not raekker:
        return
    felter, standard = _kolonner(model, kolonner)
    q = connection.ops.quote_name
    tabel = q(model._meta.db_table)
    navne = ", ".join(q(f.column) for f in felter)
    alle = {f.attname: f for f in model._meta.concrete_fields}
    konflikt = ", ".join(q(alle[k].column) for k in noegle)
    saet = ", ".join(f"{q(alle[k].column)} = excluded.{q(alle[k].column)}" for k in opdater)
    ved_konflikt = f"ON CONFLICT ({konflikt}) DO UPDATE SET {saet}" if saet else f"ON CONFLICT ({konflikt}) DO NOTHING"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            midlertidig = _kopier_midlertidigt(cursor, model, felter, _forberedte(felter, raekker, standard))
            cursor.execute(f"INSERT INTO {tabel} ({navne}) SELECT {navne} FROM {midlertidig} {ved_konflikt}")
            cursor.execute(f"DROP TABLE {midlertidig}")
        else:
            pladser = ", ".join(["%s"] * len(felter))
            sql = f"INSERT INTO {tabel} ({navne}) VALUES ({pladser}) {ved_konflikt}"
            for start in range(0, len(raekker), BATCH):
                cursor.executemany(sql, list(_forberedte(felter, raekker[start : start + BATCH], standard)))


def opdater(model: type[models.Model], kolonner: Sequence[str], raekker: Sequence[Raekke]) -> None:
    """Update rows of `model` by primary key: each row is the new values of `kolonner`, then the pk.

    On PostgreSQL the rows go by COPY into a temporary table and one UPDATE … FROM sets them all (an UPDATE per row,
    even pipelined, is a statement per row for the server); on SQLite one prepared UPDATE runs over each batch."""
    if not raekker:
        return
    alle = {f.attname: f for f in model._meta.concrete_fields}
    felter = [*(alle[k] for k in kolonner), model._meta.pk]
    q = connection.ops.quote_name
    tabel = q(model._meta.db_table)
    noegle = q(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            midlertidig = _kopier_midlertidigt(cursor, model, felter, _forberedte(felter, raekker, ()))
            saet = ", ".join(f"{q(f.column)} = ny.{q(f.column)}" for f in felter[:-1])
            cursor.execute(f"UPDATE {tabel} SET {saet} FROM {midlertidig} AS ny WHERE {tabel}.{noegle} = ny.{noegle}")
            cursor.execute(f"DROP TABLE {midlertidig}")
        else:
            saet = ", ".join(f"{q(f.column)} = %s" for f in felter[:-1])
            sql = f"UPDATE {tabel} SET {saet} WHERE {noegle} = %s"
            for start in range(0, len(raekker), BATCH):
                cursor.executemany(sql, list(_forberedte(felter, raekker[start : start + BATCH], ())))


def historik_af(raekker: QuerySet, *, hvad: str, tidspunkt: datetime, bruger_id: int | None) -> None:
    """The history rows of the rows `raekker` selects, as they are in the table now: one INSERT … SELECT, so the
    values need neither be read into Python nor sent back. `hvad` is "+" (created) or "~" (changed)."""
    historisk: type[models.Model] = raekker.model.history.model
    sporede = [
        f
        for f in historisk._meta.concrete_fields
        if not f.name.startswith("history_") and f is not historisk._meta.auto_field
    ]
    sql, params = raekker.values_list(*(f.attname for f in sporede)).order_by().query.sql_with_params()
    q = connection.ops.quote_name
    kolonner = ", ".join(q(f.column) for f in sporede)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(historisk._meta.db_table)} ({kolonner}, history_date, history_type, history_user_id) "
            f"SELECT kilde.*, %s, %s, %s FROM ({sql}) AS kilde",
            [connection.ops.adapt_datetimefield_value(tidspunkt), hvad, bruger_id, *params],
        )
