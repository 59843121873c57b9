"""How long the budget import takes to refuse XLSX files built to exhaust it, and how much memory it uses.

Run with `.venv/bin/python benchmarks/xlsx_bombe.py`. It builds four files in a temporary folder: a zip bomb (a few
MB that unpack to about 1 GB), a sheet of 200.000 lines with and without the dimension that states its size, and a
sheet with one line of a million cells. Each is refused in a fresh process, which prints the time and the peak
memory (ru_maxrss) of `laes_budgetfil`, next to the memory of the same process before the file was read. No
database is touched. Target: every file refused within a few seconds and 200 MB.
"""

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = b"udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug".split(b";")


def _celle(kolonne: str, raekke: int, tekst: bytes) -> bytes:
    return b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (kolonne.encode(), raekke, tekst)


def _raekke(nummer: int, tekster: list[bytes]) -> bytes:
    return b'<row r="%d">%s</row>' % (nummer, b"".join(_celle("ABCDEFG"[i], nummer, t) for i, t in enumerate(tekster)))


def _projektmappe(sti: Path, dele, dimension: str | None = None) -> None:
    """A workbook whose first sheet is written from `dele` (chunks of XML), streamed so it never sits in memory."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["x"])
    kilde = io.BytesIO()
    wb.save(kilde)
    with zipfile.ZipFile(kilde) as z, zipfile.ZipFile(sti, "w", zipfile.ZIP_DEFLATED) as ny:
        for info in z.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                ny.writestr(info, z.read(info.filename))
                continue
            with ny.open(info.filename, "w", force_zip64=True) as ark:
                ark.write(b"<worksheet %s>" % NS)
                if dimension:
                    ark.write(b'<dimension ref="%s"/>' % dimension.encode())
                ark.write(b"<sheetData>")
                for del_ in dele:
                    ark.write(del_)
                ark.write(b"</sheetData></worksheet>")


def bombe(sti: Path) -> None:
    """About 1 GB of numbered lines, each the same forty cells over again: it packs about 180 times."""
    fyld = b'<c t="inlineStr"><is><t>Bombe</t></is></c>' * 40

    def dele():
        yield _raekke(1, HEADER)
        for nummer in range(2, 620_000, 10_000):
            yield b"".join(b'<row r="%d">%s</row>' % (n, fyld) for n in range(nummer, nummer + 10_000))

    _projektmappe(sti, dele())


def mange_linjer(sti: Path, dimension: bool) -> None:
    """200.000 different lines, as a real export of that size would be."""

    def dele():
        yield _raekke(1, HEADER)
        for start in range(2, 200_002, 10_000):
            yield b"".join(
                _raekke(n, [b"Udvalg %d" % (n % 9), b"%02d.%02d" % (n % 100, n // 100 % 100), b"Ramme %d" % n,
                            b"inden", b"%d" % (n * 7919 % 10**9), b"0", b"%d" % (n * 104729 % 10**9)])
                for n in range(start, min(start + 10_000, 200_002))
            )

    _projektmappe(sti, dele(), dimension="A1:G200001" if dimension else None)


def bred_linje(sti: Path) -> None:
    """A header and one line of a million cells: openpyxl builds all of them before it hands the line over."""
    _projektmappe(sti, [_raekke(1, HEADER), b"<row>", *(b"<c><v>%d</v></c>" % n for n in range(1_000_000)), b"</row>"])


def afvis(sti: str) -> None:
    """In a fresh process: read the file and time laes_budgetfil refusing it."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "budgetopfolgning.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(sti).parent}/ubrugt.sqlite3"
    import django

    django.setup()
    from budgetopfolgning.indlaesning import ImportFejl, laes_budgetfil

    data = Path(sti).read_bytes()
    foer = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        laes_budgetfil(data, "budget.xlsx")
        svar = "ikke afvist!"
    except ImportFejl as exc:
        svar = exc.fejl[0]
    tid = time.perf_counter() - start
    efter = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {tid:.3f} s, højst {efter:.0f} MB hukommelse (før læsning {foer:.0f} MB)\n  {svar}")


def main() -> None:
    with tempfile.TemporaryDirectory() as mappe:
        for navn, byg in (
            ("zip-bombe", bombe),
            ("200.000 linjer med dimension", lambda sti: mange_linjer(sti, True)),
            ("200.000 linjer uden dimension", lambda sti: mange_linjer(sti, False)),
            ("én linje med 1.000.000 celler", bred_linje),
        ):
            sti = Path(mappe) / f"{navn.replace(' ', '_')}.xlsx"
            start = time.perf_counter()
            byg(sti)
            with zipfile.ZipFile(sti) as z:
                udpakket = sum(i.file_size for i in z.infolist())
            print(
                f"{navn}: {sti.stat().st_size / 1e6:.1f} MB, udpakket {udpakket / 1e6:.0f} MB "
                f"(bygget på {time.perf_counter() - start:.1f} s)"
            )
            subprocess.run([sys.executable, __file__, "--afvis", str(sti)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--afvis"]:
        afvis(sys.argv[2])
    else:
        main()
