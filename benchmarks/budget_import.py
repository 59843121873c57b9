"""How long the budget import takes for 1.000, 10.000 and 20.000 lines, against reading the same file with pandas
alone, measured in one run on the same machine.

Run with `.venv/bin/python benchmarks/budget_import.py` (a throwaway SQLite database in a temporary folder), or with
`BENCHMARK_DATABASE_URL=postgres://…/an_empty_scratch_database` to measure on PostgreSQL (its tables are made by
migrate and left behind: give it a database of its own, empty). Target from the issue: 20.000 lines in at most 5×
the time pandas needs to read the file, on both databases, with a query count that does not grow with the lines.

Each size is imported as the first round of a year of its own (everything created), and then imported again into
the same round (every line an update), three times each; the median is printed, with the most queries any of the
three took. The yardstick, as the issue measured it, is a process that only reads the same file with pandas
(`python -c "import pandas; pandas.read_csv(…)"`: start, import, read), the median of three; `pandas.read_csv`
inside this process is printed beside it.
"""

import io
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# The same throwaway database and timing as the forbrug benchmark beside this file (on sys.path as the script's own
# folder).
from forbrug_import import median_tid, opsaet_django

STOERRELSER = [1_000, 10_000, 20_000]
MAAL = 5.0
GANGE = 3


def budgetfil(antal_linjer: int) -> bytes:
    """A valid budget file of `antal_linjer` lines, as a kommune's would look: ramme numbers NN.NN under 20 udvalg
    (each ramme number belongs to one udvalg), both parts (inden and uden) of every ramme, amounts in Danish
    notation with thousands dots and øre, an explanation on about every third line."""
    linjer = [
        "udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug;forklaring"
    ]
    antal_rammer = (antal_linjer + 1) // 2
    for r in range(antal_rammer):
        nummer = f"{r // 100:02d}.{r % 100:02d}"
        u = r * 20 // antal_rammer
        udvalg = f"Udvalg {u + 1} for Børn, Unge og Fritid" if u % 2 else f"Social- og Sundhedsudvalg {u + 1}"
        for placering in ("inden", "uden"):
            if len(linjer) > antal_linjer:
                break
            n = len(linjer)
            budget = 250_000 + (n * 7_919) % 180_000_000
            korrektion = (n * 104_729) % 4_000_000 - 2_000_000
            forventet = budget + korrektion + (n * 3_571) % 1_000_000 - 500_000
            forklaring = (
                "Merforbruget skyldes flere visiterede timer end budgetteret og højere priser på køb af pladser."
                if n % 3 == 0
                else ""
            )
            linjer.append(
                f"{udvalg};U{u + 1};{nummer};Ramme {nummer} drift og anlæg;{placering};{_dansk(budget)};"
                f"{_dansk(korrektion)};{_dansk(forventet)};{forklaring}"
            )
    return ("\n".join(linjer) + "\n").encode("utf-8")


def _dansk(kroner: int) -> str:
    tekst = f"{abs(kroner):,}".replace(",", ".") + f",{abs(kroner) % 97:02d}"
    return ("-" if kroner < 0 else "") + tekst


def pandas_proces(sti: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "import sys, pandas; pandas.read_csv(sys.argv[1], sep=';', dtype=str)", sti], check=True
    )


def dansk(tal: float, decimaler: int = 2) -> str:
    return f"{tal:,.{decimaler}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def main() -> None:
    import pandas

    with tempfile.TemporaryDirectory() as mappe:
        database = opsaet_django(mappe)
        from django.core.management import call_command
        from django.db import connection

        from budgetopfolgning.models import Opfoelgningslinje
        from budgetopfolgning.services import importer_budget

        call_command("migrate", verbosity=0)
        print(f"Database: {database}")
        for i, stoerrelse in enumerate(STOERRELSER):
            data = budgetfil(stoerrelse)
            sti = Path(mappe) / f"budget-{stoerrelse}.csv"
            sti.write_bytes(data)
            pandas_tid = median_tid(lambda sti=sti: pandas_proces(str(sti)), 3)
            pandas_inde = median_tid(lambda data=data: pandas.read_csv(io.BytesIO(data), sep=";", dtype=str), 3)
            # Each case GANGE times, the median printed: a new round (in a year of its own each time), and the same
            # file imported again into it (every line an update).
            maalinger: dict[str, list[tuple[float, int]]] = {"ny runde": [], "igen": []}
            for forsoeg in range(GANGE):
                aar = 2041 + i * 10 + forsoeg
                for gang in ("ny runde", "igen"):
                    forespoergsler = [0]

                    def tael(execute, sql, params, many, context, forespoergsler=forespoergsler):
                        forespoergsler[0] += 1
                        return execute(sql, params, many, context)

                    with connection.execute_wrapper(tael):
                        start = time.perf_counter()
                        importer_budget(data=data, filnavn="budget.csv", aar=aar, nummer=1, pr_dato=date(aar, 3, 31))
                        tid = time.perf_counter() - start
                    maalinger[gang].append((tid, forespoergsler[0]))
            resultater = [
                (gang, statistics.median(t for t, _ in m), max(q for _, q in m)) for gang, m in maalinger.items()
            ]
            assert Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=aar).count() == stoerrelse
            print(f"{dansk(stoerrelse, 0)} linjer ({dansk(len(data) / 1_000_000, 1)} MB): en proces, der kun læser "
                  f"filen med pandas, {dansk(pandas_tid, 3)} s (pandas.read_csv i denne proces "
                  f"{dansk(pandas_inde, 3)} s)")
            for gang, tid, forespoergsler in resultater:
                print(f"  importer_budget, {gang}: {dansk(tid)} s, {dansk(forespoergsler, 0)} forespørgsler, "
                      f"{dansk(tid / pandas_tid, 1)} × pandas (mål for 20.000 linjer: højst {dansk(MAAL, 0)} ×)")


if __name__ == "__main__":
    main()
