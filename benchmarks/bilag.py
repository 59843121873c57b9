"""How long the PDF Bilag takes to render: the demo round, and a synthetic round with 300 rammer.

Run with `.venv/bin/python benchmarks/bilag.py [folder]` (given a folder, both PDFs are saved there). It builds
a throwaway SQLite database in a temporary folder (migrations, `manage.py demo`, then a synthetic year imported
through `importer_budget`), so the configured database is never touched. Target: the demo Bilag in at most 1,5 s.
"""

import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MAAL_SEKUNDER = 1.5
ANTAL_RAMMER = 300
SYNTETISK_AAR = 2031


def opsaet_django(mappe: str, database_url: str | None = None) -> None:
    """Django on a throwaway database: SQLite in `mappe`, or the (empty) database `database_url` names."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{mappe}/benchmark.sqlite3"
    import django

    django.setup()
    # WeasyPrint warns once per font when HarfBuzz-Subset is missing; the timing is what we want to see.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def syntetisk_csv(antal_rammer: int) -> bytes:
    """A budget file with `antal_rammer` rammer over ten udvalg, every part with a long explanation."""
    rnd = random.Random(4)
    saetning = (
        "Forventningen bygger på forbruget til og med marts og på de kendte aftaler for resten af året, "
        "og der er fortsat usikkerhed om både aktivitet og priser på området. "
    )
    linjer = ["udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;"
              "forventet_forbrug;forklaring"]
    pr_udvalg = antal_rammer // 10
    for u in range(10):
        udvalg = f"Syntetisk udvalg nummer {u + 1} for tværgående opgaver"
        for j in range(pr_udvalg):
            nummer = f"{10 + u * 8:02d}.{j:02d}"
            navn = f"Ramme {nummer} med et ret langt navn for drift, anlæg og forebyggende indsatser"
            dele = ["inden", "uden"] if j % 3 == 0 else ["inden"]
            for del_ in dele:
                budget = rnd.randint(1_000_000, 400_000_000)
                korrektion = rnd.randint(-5_000_000, 5_000_000)
                forventet = budget + korrektion + rnd.randint(-8_000_000, 8_000_000)
                forklaring = saetning * rnd.randint(2, 5)
                linjer.append(
                    f"{udvalg};S{u + 1};{nummer};{navn};{del_};{budget},00;{korrektion},00;{forventet},00;"
                    f"{forklaring.strip()}"
                )
    return ("\n".join(linjer) + "\n").encode("utf-8")


def dansk(sekunder: float) -> str:
    return f"{sekunder:.2f}".replace(".", ",")


def tag_tid(funktion, gange: int) -> tuple[float, bytes]:
    """Median wall time of `gange` calls (the first render also warms fonts and templates: run it apart)."""
    tider = []
    for _ in range(gange):
        start = time.perf_counter()
        data = funktion()
        tider.append(time.perf_counter() - start)
    return statistics.median(tider), data


def main() -> None:
    with tempfile.TemporaryDirectory() as mappe:
        opsaet_django(mappe)
        from django.core.management import call_command
        from pypdf import PdfReader

        from budgetopfolgning import bilag
        from budgetopfolgning.models import Opfoelgning
        from budgetopfolgning.services import importer_budget

        call_command("migrate", verbosity=0)
        call_command("demo", stdout=io.StringIO())
        demo = Opfoelgning.objects.select_related("aar").get(aar__aar=2024, nummer=1)
        syntetisk = importer_budget(
            data=syntetisk_csv(ANTAL_RAMMER),
            filnavn="syntetisk.csv",
            aar=SYNTETISK_AAR,
            nummer=1,
            pr_dato=date(SYNTETISK_AAR, 4, 29),
            dokumentdato=date(SYNTETISK_AAR, 4, 12),
            metadata={"sagsnr": "00.00.00-S00-0-31", "kontakt_center": "Center for Økonomi"},
        ).opfoelgning

        bilag.render_bilag(demo, kladde=False)  # warm-up: font discovery, template loading
        demo_tid, demo_pdf = tag_tid(lambda: bilag.render_bilag(demo, kladde=False), 5)
        syntetisk_tid, syntetisk_pdf = tag_tid(lambda: bilag.render_bilag(syntetisk, kladde=True), 2)

        demo_sider = len(PdfReader(io.BytesIO(demo_pdf)).pages)
        syntetisk_sider = len(PdfReader(io.BytesIO(syntetisk_pdf)).pages)
        vurdering = "inden for" if demo_tid <= MAAL_SEKUNDER else "OVER"
        print(f"Demo-bilag (1. budgetopfølgning 2024): {dansk(demo_tid)} s, {demo_sider} sider, "
              f"{len(demo_pdf) // 1024} KB – {vurdering} målet på {dansk(MAAL_SEKUNDER)} s (median af 5)")
        if len(sys.argv) > 1:
            Path(sys.argv[1], "demo.pdf").write_bytes(demo_pdf)
            Path(sys.argv[1], "syntetisk.pdf").write_bytes(syntetisk_pdf)
        print(f"Syntetisk bilag ({ANTAL_RAMMER} rammer, lange forklaringer): {dansk(syntetisk_tid)} s, "
              f"{syntetisk_sider} sider, {len(syntetisk_pdf) // 1024} KB (median af 2)")


if __name__ == "__main__":
    main()
