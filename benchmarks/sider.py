"""Pages under load, side by side with a logged-in "hello" view: throughput and p95 as ratios of hello's.

Run with `.venv/bin/python benchmarks/sider.py [--postgres] [--syntetisk] [--sekunder N] [--brugere N]`.

It builds a throwaway database (SQLite in a temporary folder; with `--postgres` a database `benchmark_sider` on the
local PostgreSQL, dropped and created anew): migrations and `manage.py demo`; with `--syntetisk` also a synthetic
year of 300 rammer (400 parts, long explanations) imported, locked, and a second round opened. It then starts gunicorn
(config/gunicorn.py, DJANGO_ENV=production, on a free port) with benchmarks/sider_indstillinger.py, which adds
`/hilsen/`: a page doing only session + user. Each of 16 users (threads, one keep-alive connection and one session
each, all as »okonomi«) asks for one page after another for a few seconds. Each page is measured in turns with hello
(hello, page, hello, page, …; `--runder`), and its ratios are the median of each turn's page against the hello run
just before it.

Goal (issue 15): every page ≥ 0,25 × hello's throughput and p95 ≤ 5 × hello's p95. The figures are ratios from one
run on one machine; other load on the machine moves them, so compare runs made side by side.
"""

import argparse
import http.client
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCHMARKS = Path(__file__).resolve().parent
SECRET_KEY = "benchmark-only-secret-key-" + "x" * 40
ANTAL_RAMMER = 300
SYNTETISK_AAR = 2031


def fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def miljoe(database_url: str, static_root: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="sider_indstillinger",
        PYTHONPATH=f"{BENCHMARKS}{os.pathsep}{BASE_DIR}",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=static_root,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESSLOG="",
        GUNICORN_LOGLEVEL="warning",
        LOG_LEVEL_APP="WARNING",
    )
    return env


def opsaet_data(database_url: str, syntetisk: bool) -> list[str]:
    """Migrations, demo (and the synthetic year); returns 16+ session keys of »okonomi«."""
    os.environ.update(miljoe(database_url, "", 0))
    os.environ["DJANGO_ENV"] = "development"  # setup runs in this process; the server below runs production
    sys.path[:0] = [str(BENCHMARKS), str(BASE_DIR)]
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    if syntetisk:
        from bilag import syntetisk_csv

        from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning

        foerste = importer_budget(
            data=syntetisk_csv(ANTAL_RAMMER), filnavn="syntetisk.csv", aar=SYNTETISK_AAR, nummer=1,
            pr_dato=date(SYNTETISK_AAR, 4, 29), dokumentdato=date(SYNTETISK_AAR, 4, 12), metadata={},
        ).opfoelgning
        laas_opfoelgning(opfoelgning=foerste)
        aabn_opfoelgning(aar=foerste.aar, pr_dato=date(SYNTETISK_AAR, 8, 31), dokumentdato=date(SYNTETISK_AAR, 8, 16))
    okonomi = User.objects.get(username="okonomi")
    noegler = []
    for _ in range(32):
        klient = Client()
        klient.force_login(okonomi)
        noegler.append(klient.cookies["sessionid"].value)
    return noegler


class Server:
    def __init__(self, env: dict[str, str], port: int):
        self.port = port
        self.proc = subprocess.Popen(
            [str(BASE_DIR / ".venv/bin/gunicorn"), "-c", str(BASE_DIR / "config/gunicorn.py")],
            cwd=BASE_DIR, env=env,
        )
        frist = time.monotonic() + 60
        while time.monotonic() < frist:
            try:
                status, _, _ = hent(port, "/sundhed/", "")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn svarede ikke inden for 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def hent(port: int, sti: str, session: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, int, float]:
    """One GET; returns status, body size and seconds."""
    egen = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    start = time.perf_counter()
    conn.request("GET", sti, headers=headers)
    svar = conn.getresponse()
    krop = svar.read()
    tid = time.perf_counter() - start
    if egen:
        conn.close()
    return svar.status, len(krop), tid


def belast(port: int, sti: str, sessioner: list[str], sekunder: float) -> tuple[float, float, int, int]:
    """`len(sessioner)` users, each asking for `sti` again and again for `sekunder`: req/s, p95, count, errors."""
    tider: list[float] = []
    fejl = [0]
    laas = threading.Lock()
    slut = time.monotonic() + sekunder

    def bruger(session: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        egne, egne_fejl = [], 0
        while time.monotonic() < slut:
            try:
                status, _, tid = hent(port, sti, session, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                egne_fejl += 1
                continue
            if status != 200:
                egne_fejl += 1
            egne.append(tid)
        conn.close()
        with laas:
            tider.extend(egne)
            fejl[0] += egne_fejl

    start = time.monotonic()
    traade = [threading.Thread(target=bruger, args=(s,)) for s in sessioner]
    for t in traade:
        t.start()
    for t in traade:
        t.join()
    varighed = time.monotonic() - start
    p95 = statistics.quantiles(tider, n=20)[-1] if len(tider) >= 2 else float("nan")
    return len(tider) / varighed, p95, len(tider), fejl[0]


def dansk(tal: float, decimaler: int = 2) -> str:
    return f"{tal:.{decimaler}f}".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--syntetisk", action="store_true", help="also the synthetic year with 300 rammer")
    parser.add_argument("--sekunder", type=float, default=5.0)
    parser.add_argument("--brugere", type=int, default=16)
    parser.add_argument("--runder", type=int, default=3, help="turns of hello and each page (median of the ratios)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as mappe:
        if args.postgres:
            navn = os.environ.get("BENCHMARK_DB", "benchmark_sider")
            for sql in (f"DROP DATABASE IF EXISTS {navn}", f"CREATE DATABASE {navn}"):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
            database_url = f"postgres://postgres@127.0.0.1:5432/{navn}"
        else:
            database_url = f"sqlite:///{mappe}/benchmark.sqlite3"
        sessioner = opsaet_data(database_url, args.syntetisk)
        port = fri_port()
        env = miljoe(database_url, f"{mappe}/static", port)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR, env=env, check=True,
        )

        sider = [
            ("hello", "/hilsen/"),
            ("låst runde", "/opfolgning/2024/1/"),
            ("åben runde", "/opfolgning/2024/2/"),
            ("udvalg (åben)", "/opfolgning/2024/2/udvalg/BSU/"),
            ("ramme (åben)", "/opfolgning/2024/2/ramme/30.36/"),
            ("omstilling", "/omstilling/2019/"),
        ]
        if args.syntetisk:
            sider += [
                ("300 rammer, låst", f"/opfolgning/{SYNTETISK_AAR}/1/"),
                ("300 rammer, åben", f"/opfolgning/{SYNTETISK_AAR}/2/"),
            ]
        server = Server(env, port)
        try:
            from django.conf import settings

            motor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
            print(f"Database: {motor}; {args.brugere} brugere, {dansk(args.sekunder, 0)} s pr. side; "
                  f"gunicorn med config/gunicorn.py; maskinen har {os.cpu_count()} kerner (delt med andre)")
            print(f"{'side':<20} | {'forsp./s':>8} | {'p95 ms':>7} | {'enkelt ms':>9} | {'KB':>5} | "
                  f"{'gennemløb ÷ hello':>17} | {'p95 ÷ hello':>11} | fejl")
            # The first page a fresh server answers (each worker's first request, if the app were imported lazily).
            foerste = [hent(port, sider[1][1], sessioner[0])[2] for _ in range(4)]
            print(f"første svar fra en ny server (låst runde): {dansk(max(foerste) * 1000, 0)} ms "
                  f"(de fire første: {', '.join(dansk(t * 1000, 0) for t in foerste)} ms)")
            forhold: dict[str, float] = {}
            for navn, sti in sider:
                status, stoerrelse, _ = hent(port, sti, sessioner[0])
                if status != 200:
                    raise SystemExit(f"{sti} svarede {status}")
                # Every worker once (each imports and warms its own templates), then one user at a time.
                for _ in range(8):
                    hent(port, sti, sessioner[1])
                enkelt = statistics.median(hent(port, sti, sessioner[1])[2] for _ in range(7))
                # Hello and the page by turns, each ratio against the hello run just before it: the load on a shared
                # machine drifts within a minute, so the median of the turns' ratios is what holds between runs.
                brugere = sessioner[2:2 + args.brugere]
                hello_runder, side_runder = [], []
                for _ in range(args.runder):
                    hello_runder.append(belast(port, "/hilsen/", brugere, args.sekunder))
                    side_runder.append(belast(port, sti, brugere, args.sekunder))
                gennemloeb = statistics.median(s[0] / h[0] for s, h in zip(side_runder, hello_runder, strict=True))
                p95_forhold = statistics.median(s[1] / h[1] for s, h in zip(side_runder, hello_runder, strict=True))
                forhold[navn] = gennemloeb
                rate = statistics.median(s[0] for s in side_runder)
                p95 = statistics.median(s[1] for s in side_runder)
                fejl = sum(s[3] for s in side_runder)
                antal = sum(s[2] for s in side_runder)
                print(f"{navn:<20} | {dansk(rate, 1):>8} | {dansk(p95 * 1000, 0):>7} | {dansk(enkelt * 1000, 1):>9} | "
                      f"{stoerrelse // 1024:>5} | {dansk(gennemloeb):>17} | {dansk(p95_forhold, 1):>11} | "
                      f"{fejl}/{antal}")
            if args.syntetisk:
                # Goal 2: the 300-rammer round against the demo's, each as its time per request relative to hello.
                for demo, stor in (("åben runde", "300 rammer, åben"), ("låst runde", "300 rammer, låst")):
                    print(f"{stor} ÷ {demo}, tid pr. forespørgsel: {dansk(forhold[demo] / forhold[stor])} "
                          "(mål: højst 1,5)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
