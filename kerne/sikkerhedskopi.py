"""Backing up and restoring the database that DATABASE_URL names, on SQLite and on PostgreSQL.

SQLite is copied with its own online backup API, page by page under its locks, so a backup taken while the server
writes is still a consistent database (a file copy of a WAL database is not). PostgreSQL is dumped with `pg_dump` in
its custom format and restored with `pg_restore` in one transaction. Nothing here knows what the tables hold; the
commands `sikkerhedskopi` and `genskab` check the restored rounds.
"""

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGI = b"SQLite format 3\x00"
PG_MAGI = b"PGDMP"


class SikkerhedskopiFejl(Exception):
    """A backup or restore that cannot be done; the message is Danish and meant for the operator."""


def motor() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _pg_miljoe(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment variables, so the password never shows in a process list."""
    env = dict(os.environ)
    for noegle, variabel in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(noegle):
            env[variabel] = str(settings_dict[noegle])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _koer(kommando: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(kommando, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise SikkerhedskopiFejl(f"{kommando[0]} findes ikke (Debian: postgresql-client).") from exc
    if result.returncode != 0:
        raise SikkerhedskopiFejl(f"{kommando[0]} fejlede: {result.stderr.strip()}")


def tabeller() -> list[str]:
    """The tables of the database now: none means it is empty and may be restored into."""
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def tag_kopi(fil: Path) -> None:
    """Write a backup of the database to `fil` (replaced if it exists)."""
    if motor() == "sqlite":
        midlertidig = fil.with_name(fil.name + ".delvis")
        midlertidig.unlink(missing_ok=True)
        connection.ensure_connection()
        kilde = connection.connection
        maal = sqlite3.connect(midlertidig)
        try:
            kilde.backup(maal)
        finally:
            maal.close()
        midlertidig.replace(fil)
    elif motor() == "postgresql":
        _koer(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(fil)],
            _pg_miljoe(connection.settings_dict),
        )
    else:
        raise SikkerhedskopiFejl(f"Sikkerhedskopi understøttes ikke for databasen {connection.vendor}.")


def genskab_kopi(fil: Path, *, overskriv: bool) -> None:
    """Restore the backup in `fil` into the database; refused unless it is empty or `overskriv` is given."""
    if not fil.is_file():
        raise SikkerhedskopiFejl(f"Filen {fil} findes ikke.")
    with fil.open("rb") as f:
        start = f.read(len(SQLITE_MAGI))
    eksisterende = tabeller()
    if eksisterende and not overskriv:
        raise SikkerhedskopiFejl(
            f"Databasen er ikke tom ({len(eksisterende)} tabeller). Genskab i en tom database, "
            "eller giv --overskriv for at erstatte alt i den."
        )
    if motor() == "sqlite":
        if start != SQLITE_MAGI:
            raise SikkerhedskopiFejl(f"{fil} er ikke en sikkerhedskopi af en SQLite-database.")
        kilde = sqlite3.connect(f"file:{fil}?mode=ro", uri=True)
        try:
            if kilde.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise SikkerhedskopiFejl(f"{fil} er beskadiget (SQLite integrity_check).")
            connection.ensure_connection()
            kilde.backup(connection.connection)
        finally:
            kilde.close()
    elif motor() == "postgresql":
        if not start.startswith(PG_MAGI):
            raise SikkerhedskopiFejl(f"{fil} er ikke en sikkerhedskopi fra pg_dump (custom-format).")
        kommando = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if overskriv:
            kommando += ["--clean", "--if-exists"]
        env = _pg_miljoe(connection.settings_dict)
        connection.close()  # pg_restore --clean must be able to drop tables this connection has read
        _koer([*kommando, "--dbname", env["PGDATABASE"], str(fil)], env)
    else:
        raise SikkerhedskopiFejl(f"Genskabelse understøttes ikke for databasen {connection.vendor}.")
