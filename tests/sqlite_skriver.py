"""A writer process for test_sqlite_samtidighed: read-modify-write on one line, many times.

Run with DATABASE_URL pointing at a SQLite file; prints the number of successful writes.
"""

import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from budgetopfolgning.models import Opfoelgningslinje  # noqa: E402


def main(pk: int, antal: int) -> None:
    ok = 0
    for _ in range(antal):
        # Read, then write in the same transaction: the pattern that fails with "database is locked" under
        # SQLite's default DEFERRED transactions when several processes write at once.
        with transaction.atomic():
            linje = Opfoelgningslinje.objects.get(pk=pk)
            linje.korrektioner += Decimal("1")
            linje.version += 1
            linje.save(update_fields=["korrektioner", "version"])
        ok += 1
    print(ok)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
