"""Admin for the ramme-in-depth data, for corrections the pages do not offer (names, texts, categories)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kerne.tekst import TekstAdmin
from rammer.models import (
    Aarsregnskab,
    Aktivitetskategori,
    Estimatdel,
    Estimatlinje,
    Fokusomraade,
    Ledelsesinformation,
    Maanedsstatus,
    Rammebeskrivelse,
    Regnskabsbemaerkning,
    Regnskabslinje,
    Underretningstal,
    Ydelse,
)


@admin.register(Rammebeskrivelse)
class RammebeskrivelseAdmin(TekstAdmin, admin.ModelAdmin):
    list_display = ["ramme"]
    list_filter = ["ramme__aar"]
    autocomplete_fields = ["ramme"]


class RegnskabslinjeInline(TekstAdmin, admin.TabularInline):
    model = Regnskabslinje
    extra = 0
    fields = ["aktivitet", "vedtaget_budget", "korrigeret_budget", "regnskab", "overfoert", "forklaring"]


class RegnskabsbemaerkningInline(TekstAdmin, admin.StackedInline):
    model = Regnskabsbemaerkning
    extra = 0


@admin.register(Aarsregnskab)
class AarsregnskabAdmin(TekstAdmin, SimpleHistoryAdmin):
    list_display = ["ramme", "korrigeret_budget_pr"]
    list_filter = ["ramme__aar"]
    autocomplete_fields = ["ramme"]
    inlines = [RegnskabslinjeInline, RegnskabsbemaerkningInline]


class AktivitetskategoriInline(TekstAdmin, admin.TabularInline):
    model = Aktivitetskategori
    extra = 0
    fields = ["sortering", "gruppe", "konto", "navn", "budget_enhedspris", "budget_helaarsbrugere",
              "aktuel_enhedspris", "aktuelle_helaarsbrugere", "forrige_skoen"]


class EstimatlinjeInline(TekstAdmin, admin.TabularInline):
    model = Estimatlinje
    extra = 0


class EstimatdelInline(TekstAdmin, admin.TabularInline):
    model = Estimatdel
    extra = 0


class MaanedsstatusInline(TekstAdmin, admin.TabularInline):
    model = Maanedsstatus
    extra = 0


class UnderretningstalInline(TekstAdmin, admin.TabularInline):
    model = Underretningstal
    extra = 0


class FokusomraadeInline(TekstAdmin, admin.StackedInline):
    model = Fokusomraade
    extra = 0


@admin.register(Ledelsesinformation)
class LedelsesinformationAdmin(TekstAdmin, SimpleHistoryAdmin):
    list_display = ["ramme", "rapportdato", "estimat_pr"]
    list_filter = ["ramme__aar"]
    autocomplete_fields = ["ramme"]
    inlines = [
        EstimatlinjeInline,
        EstimatdelInline,
        AktivitetskategoriInline,
        MaanedsstatusInline,
        UnderretningstalInline,
        FokusomraadeInline,
    ]


@admin.register(Ydelse)
class YdelseAdmin(TekstAdmin, SimpleHistoryAdmin):
    list_display = ["navn", "ramme", "helaarspersoner", "gennemsnitspris", "statsrefusion_pct", "eksempeltal"]
    list_filter = ["ramme__aar", "eksempeltal"]
    autocomplete_fields = ["ramme"]
