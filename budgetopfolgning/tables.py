"""Tabel 1 and Tabel 2 and their per-ramme drill-downs, as django-tables2 tables."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.selectors import Tabel
from kerne.beloeb import tusind_kr

OVERFOERSELSKOLONNER = ("forventet_overfoersel", "resultat_inkl_overfoersler")


class BeloebColumn(tables.Column):
    """An amount in kroner, shown in 1.000 kr., right-aligned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "tal"}, "th": {"class": "tal"}})
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return tusind_kr(value)


class OpfoelgningsTabel(tables.Table):
    """One of the round's two tables; rows are udvalg (or rammer in a drill-down), I alt first."""

    navn = tables.Column(verbose_name="(1.000 kr.)", orderable=False)
    oprindeligt = BeloebColumn(accessor="tal__oprindeligt")
    tidligere = BeloebColumn(accessor="tal__tidligere", verbose_name="Tidligere korrektioner")
    korrektioner = BeloebColumn(accessor="tal__korrektioner")
    forslag = BeloebColumn(accessor="tal__forslag")
    forventet = BeloebColumn(accessor="tal__forventet", verbose_name="Forventet forbrug")
    afvigelse = BeloebColumn(accessor="tal__afvigelse", verbose_name="Afvigelse")
    # Shown when the year reports overførsler (Budgetaar.vis_overfoersler); named as the Tal properties they show.
    forventet_overfoersel = BeloebColumn(accessor="tal__forventet_overfoersel", verbose_name="Forventet overførsel")
    resultat_inkl_overfoersler = BeloebColumn(
        accessor="tal__resultat_inkl_overfoersler", verbose_name="Forventet resultat inkl. overførsler"
    )
    udvikling = BeloebColumn(accessor="tal__udvikling", verbose_name="Udvikling i forventet forbrug siden sidst",
                             default="")

    class Meta:
        fields = ("navn", "oprindeligt", "tidligere", "korrektioner", "forslag", "forventet", "afvigelse",
                  "forventet_overfoersel", "resultat_inkl_overfoersler", "udvikling")
        orderable = False
        template_name = "budgetopfolgning/_tabel.html"

    def __init__(self, tabel: Tabel, *, opfoelgning: Opfoelgning, rammer: bool = False, udvikling: bool = False,
                 caption: str = ""):
        exclude = []
        if not opfoelgning.har_tidligere_opfoelgninger:
            exclude.append("tidligere")
        if not udvikling or not opfoelgning.har_tidligere_opfoelgninger:
            exclude.append("udvikling")
        if not opfoelgning.aar.vis_overfoersler:
            exclude += list(OVERFOERSELSKOLONNER)
        super().__init__(tabel.raekker, exclude=exclude)
        self.raekker = tabel.raekker
        aar = opfoelgning.aar.aar
        self.opfoelgning = opfoelgning
        self.rammer = rammer
        self.caption = caption
        self.nummer = tabel.nummer  # names the sign notes below the table (aria-describedby)
        self.columns["oprindeligt"].column.verbose_name = f"Oprindeligt budget {aar}"
        self.columns["korrektioner"].column.verbose_name = f"Korrektioner ved {opfoelgning.runde_navn} *)"
        if opfoelgning.aar.vis_overfoersler:
            self.columns["afvigelse"].column.verbose_name = "Forventet resultat ekskl. overførsler (afvigelse)"
        self.columns["forslag"].column.verbose_name = (
            f"Forslag til nyt budget pr. {opfoelgning.pr_dato_kort} inkl. overførsler"
        )

    def kolonnenumre(self) -> list[str]:
        """The numbered row under the headers: 1, 2, 3, 4, (5)=(4)-(3) (one more with earlier korrektioner), and
        with overførsler 6, (7)=(5)+(6)."""
        navne = [c.name for c in self.columns]
        beloeb = [n for n in navne if n not in ("navn", "udvikling", *OVERFOERSELSKOLONNER)]
        numre = [str(i) for i in range(1, len(beloeb))]
        n = len(beloeb)
        numre.append(f"({n})=({n - 1})\u2212({n - 2})")
        if "resultat_inkl_overfoersler" in navne:
            numre += [str(n + 1), f"({n + 2})=({n})+({n + 1})"]
        if "udvikling" in navne:
            numre.append("")
        return numre

    def celler(self) -> list[dict]:
        """The body as the template prints it, built here in one pass: the row's name (a link where it has one) and
        its amounts in 1.000 kr. django-tables2's per-cell machinery (bound rows, cell attributes) cost more than
        the rest of the page; the columns and their order are still the table's."""
        felter = [c.name for c in self.columns if c.name != "navn"]
        return [
            {
                "navn": self.render_navn(raekke.navn, raekke),
                "total": raekke.er_total,
                "tal": ["" if (v := getattr(raekke.tal, felt)) is None else tusind_kr(v) for felt in felter],
            }
            for raekke in self.raekker
        ]

    def render_navn(self, value, record):
        if record.er_total:
            return value
        if record.udvalg is not None:
            url = reverse(
                "udvalg",
                args=[self.opfoelgning.aar.aar, self.opfoelgning.nummer, record.udvalg.kode],
            )
            return format_html('<a href="{}">{}</a>', url, value)
        if record.ramme is not None:
            url = reverse(
                "ramme", args=[self.opfoelgning.aar.aar, self.opfoelgning.nummer, record.ramme.nummer]
            )
            return format_html('<a href="{}">{}</a>', url, value)
        return value
