from django.contrib import admin

from budgetopfolgning import roller
from budgetopfolgning.tekst import TekstAdmin
from rammer.models import Bevillingsramme, Budgetaar, Rammeansvar, Rammedel, Udvalg


def _aar_har_laast_runde(aar_id) -> bool:
    from budgetopfolgning.models import Opfoelgning

    return Opfoelgning.objects.filter(aar_id=aar_id, status=Opfoelgning.LAAST).exists()


class LaastAarReadOnly:
    """A year with a locked round is history: its udvalg, rammer, activities and budgets can no longer be
    added to or changed here, because a locked round must read the same forever."""

    def _aar_id(self, obj):
        if isinstance(obj, Budgetaar):
            return obj.pk
        if isinstance(obj, Aktivitet):
            return obj.ramme.aar_id
        return obj.aar_id

    def has_change_permission(self, request, obj=None):
        if obj is not None and _aar_har_laast_runde(self._aar_id(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _aar_har_laast_runde(self._aar_id(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New objects can only be placed in years without a locked round.
        from budgetopfolgning.models import Opfoelgning

        laaste = Opfoelgning.objects.filter(status=Opfoelgning.LAAST).values("aar_id")
        if db_field.name == "aar":
            kwargs["queryset"] = Budgetaar.objects.exclude(pk__in=laaste)
        elif db_field.name == "udvalg":
            kwargs["queryset"] = Udvalg.objects.exclude(aar_id__in=laaste)
        elif db_field.name == "ramme":
            kwargs["queryset"] = Bevillingsramme.objects.exclude(aar_id__in=laaste)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budgetaar)
class BudgetaarAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["aar", "serviceramme", "forklaringsgraense"]
    fields = ["aar", "serviceramme", "forklaringsgraense"]


@admin.register(Udvalg)
class UdvalgAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["navn", "kode", "aar", "raekkefoelge"]
    list_filter = ["aar"]
    fields = ["aar", "navn", "kode", "raekkefoelge"]


class RammedelInline(TekstAdmin, admin.TabularInline):
    model = Rammedel
    extra = 0
    fields = ["placering", "oprindeligt_budget"]
    # The adopted budget does not change during the year; it comes in through the import.
    readonly_fields = ["placering", "oprindeligt_budget"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bevillingsramme)
class BevillingsrammeAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["nummer", "navn", "udvalg", "aar"]
    list_filter = ["aar", "udvalg"]
    search_fields = ["nummer", "navn"]
    fields = ["aar", "udvalg", "nummer", "navn"]
    inlines = [RammedelInline]


@admin.register(Rammeansvar)
class RammeansvarAdmin(TekstAdmin, admin.ModelAdmin):
    list_display = ["bruger", "ramme", "aar"]
    list_filter = ["ramme__aar", "bruger"]
    search_fields = ["bruger__username", "bruger__first_name", "bruger__last_name", "ramme__nummer", "ramme__navn"]
    autocomplete_fields = ["ramme"]
    fields = ["bruger", "ramme"]

    @admin.display(description="år", ordering="ramme__aar__aar")
    def aar(self, obj):
        return obj.ramme.aar.aar

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bruger":
            from django.contrib.auth.models import User

            kwargs["queryset"] = User.objects.filter(groups__name=roller.KONSULENT).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- The ramme in depth (issue #6): for corrections the pages do not offer (names, texts, categories) ----------------

from simple_history.admin import SimpleHistoryAdmin  # noqa: E402

from rammer.models import (  # noqa: E402
    Aarsregnskab,
    Aktivitet,
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


@admin.register(Aktivitet)
class AktivitetAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["navn", "ramme", "sortering"]
    list_filter = ["ramme__aar"]
    search_fields = ["navn", "ramme__nummer"]
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
