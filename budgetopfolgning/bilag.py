"""The Bilag for Kommunalbestyrelsen as a PDF: the whole round, or one udvalg's part of it.

The PDF is drawn from the same context functions as the HTML pages (sider.py), so screen and paper cannot
disagree. A locked round's Bilag is rendered once, at locking, stored with its SHA-256 and from then on served as
those exact bytes: what the council received can be proven later. Nothing here knows of requests.
"""

import hashlib

from django.db import transaction

from budgetopfolgning import selectors
from budgetopfolgning.forbrugsgraf import udvalgets_grafer
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.sider import bilag_titel, opfoelgning_kontekst, udvalg_kontekst
from budgetopfolgning.tables import OVERFOERSELSKOLONNER, OpfoelgningsTabel
from kerne.models import Kommune
from kerne.pdf import render_pdf
from rammer.models import Udvalg

__all__ = ["BilagFejl", "bilag_titel", "frys_bilag", "gemt_bilag", "render_bilag", "render_udvalg_bilag"]


class BilagFejl(Exception):
    """The Bilag of a locked round cannot be made as it must be (Danish message, shown to Center for Økonomi)."""


class BilagTabel(OpfoelgningsTabel):
    """The table as printed: the same rows and columns, without the links that only make sense on screen."""

    def render_navn(self, value, record):
        return value


def _papirtabeller(opfoelgning: Opfoelgning, tabeller: list[dict]) -> list[dict]:
    """The page's tables re-wrapped for paper: same Tabel objects (same figures), same columns and captions."""
    result = []
    for t in tabeller:
        skaerm = t["table"]
        papir = BilagTabel(
            t["tabel"],
            opfoelgning=opfoelgning,
            rammer=skaerm.rammer,
            udvikling="udvikling" in [c.name for c in skaerm.columns],
            caption=skaerm.caption,
        )
        beloeb = [c.name for c in papir.columns if c.name not in ("navn", "udvikling", *OVERFOERSELSKOLONNER)]
        n = len(beloeb)
        result.append({**t, "table": papir, "kolonne": {"forslag": n - 2, "forventet": n - 1, "afvigelse": n}})
    return result


def _faelles_kontekst(opfoelgning: Opfoelgning, *, kladde: bool, titel: str, tabeller: list[dict]) -> dict:
    # Fixed metadata dates (the document's own date), so rendering the same round twice gives the same bytes.
    dato = opfoelgning.dokumentdato.isoformat()
    kommune = Kommune.hent()
    return {
        # Seven or more columns (earlier korrektioner, Udvikling, overførsler) are printed landscape (print.css).
        "bred": any(len(t["table"].columns) >= 7 for t in tabeller),
        "KOMMUNE_NAVN": kommune.visningsnavn,
        "kommune": kommune,
        "bilagsbetegnelse": opfoelgning.bilagsbetegnelse or kommune.bilagsbetegnelse,
        "kladde": kladde,
        "titel": titel,
        "pdf_dato": dato,
    }



# A draft Bilag is kept this long after its last download; it is keyed on the exact page it is drawn from, so a
# changed figure or text is a new draft at once, never a stale one.
KLADDE_SEKUNDER = 24 * 60 * 60


def _pdf(skabelon: str, kontekst: dict, opfoelgning: Opfoelgning) -> bytes:
    """The round's date pins the PDF's timestamps, so the view and the lock give equal bytes. Drafts come from the
    cache when their page is unchanged; the final Bilag is always rendered anew (and then stored on the round)."""
    return render_pdf(
        skabelon, kontekst, dato=opfoelgning.dokumentdato,
        mellemlager_sekunder=KLADDE_SEKUNDER if kontekst.get("kladde") else None,
    )


def render_bilag(opfoelgning: Opfoelgning, *, kladde: bool) -> bytes:
    """The round's Bilag as published: letterhead, summary, Tabel 1 and 2 with their explanations."""
    kontekst = opfoelgning_kontekst(opfoelgning)
    kontekst["tabeller"] = _papirtabeller(opfoelgning, kontekst["tabeller"])
    kontekst.update(
        _faelles_kontekst(opfoelgning, kladde=kladde, titel=bilag_titel(opfoelgning), tabeller=kontekst["tabeller"])
    )
    return _pdf("budgetopfolgning/bilag.html", kontekst, opfoelgning)


def render_udvalg_bilag(
    opfoelgning: Opfoelgning, udvalg: Udvalg, *, kladde: bool, runder: list[Opfoelgning] | None = None
) -> bytes:
    """One udvalg's part of the Bilag: its rammer in Tabel 1 and 2 and their explanations.

    While the round is open it ends with each ramme's forbrug chart (`runder`: the year's rounds the reader may
    see), as the ramme's page shows it. A locked round's PDF shows what was locked: forbrug is read live and is no
    part of the frozen figures.
    """
    kontekst = udvalg_kontekst(opfoelgning, udvalg)
    if not opfoelgning.er_laast:
        kontekst["grafer"] = udvalgets_grafer(opfoelgning, kontekst["linjer"], runder or [opfoelgning])
    kontekst["tabeller"] = _papirtabeller(opfoelgning, kontekst["tabeller"])
    titel = f"{udvalg.navn} – {opfoelgning.titel.lower()}"
    kontekst.update(_faelles_kontekst(opfoelgning, kladde=kladde, titel=titel, tabeller=kontekst["tabeller"]))
    return _pdf("budgetopfolgning/udvalg_bilag.html", kontekst, opfoelgning)


def frys_bilag(opfoelgning: Opfoelgning) -> Opfoelgning:
    """Render the final Bilag of a locked round and store it with its SHA-256, unless one is stored already.

    Run by the job the lock asks for (jobs.py), after the lock's transaction: the figures it draws must still be
    the ones whose hash the lock stored, or the Bilag would show something else than what was locked. It renders
    without the "Kladde" mark whatever the status field says. If two runs race, the first write wins.
    """
    if opfoelgning.tal_sha256 and selectors.tal_sha256(opfoelgning) != opfoelgning.tal_sha256:
        raise BilagFejl("Tallene stemmer ikke med dem, der blev låst (SHA-256); bilaget dannes ikke.")
    data = render_bilag(opfoelgning, kladde=False)
    with transaction.atomic():
        Opfoelgning.objects.filter(pk=opfoelgning.pk, bilag_sha256="").update(
            bilag_pdf=data, bilag_sha256=hashlib.sha256(data).hexdigest()
        )
    opfoelgning.refresh_from_db(fields=["bilag_pdf", "bilag_sha256"])
    return opfoelgning


def gemt_bilag(opfoelgning: Opfoelgning) -> bytes:
    """The stored Bilag of a locked round, checked against its SHA-256.

    A locked round without one (its job has not run yet, or it was locked before Bilag were stored) gets it now, by
    the same checked path as the job; if two first requests race, the first write wins and both serve the stored
    bytes.
    """
    if not opfoelgning.bilag_sha256:
        frys_bilag(opfoelgning)
    if opfoelgning.bilag_pdf is None:
        raise RuntimeError(f"Det gemte bilag for {opfoelgning} mangler, men dets SHA-256 er gemt.")
    data = bytes(opfoelgning.bilag_pdf)
    if hashlib.sha256(data).hexdigest() != opfoelgning.bilag_sha256:
        # Never hand the council a document that differs from the one recorded at locking.
        raise RuntimeError(f"Det gemte bilag for {opfoelgning} stemmer ikke med dets SHA-256.")
    return data
