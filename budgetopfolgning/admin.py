"""Rounds and the year's master data in the admin. Figures are never edited here, and a year with a locked round
is read-only."""

from typing import TYPE_CHECKING

from django.contrib import admin

from budgetopfolgning.models import Opfoelgning
from kerne.tekst import TekstAdmin
from rammer.models import Aktivitet, Bevillingsramme, Budgetaar, Rammedel, Udvalg

if TYPE_CHECKING:
    # What the mixin below is mixed into; at run time it stays a plain mixin, so no admin's MRO changes.
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


@admin.register(Opfoelgning)
class OpfoelgningAdmin(TekstAdmin, admin.ModelAdmin):
    """Rounds are opened and locked in the app itself; here only the letterhead of an open round is edited.

    The status is never editable here: locking is final and goes through the lock form, which stores the hash.
    """

    list_display = ["__str__", "pr_dato", "sagsnr", "status"]
    list_filter = ["aar", "status"]
    fields = ["aar", "nummer", "navn", "status", "pr_dato", "dokumentdato", "bilagsbetegnelse", "sagsnr",
              "kontakt_center", "kontakt_navn", "kontakt_telefon", "kontakt_email", "frist"]
    readonly_fields = ["aar", "nummer", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.er_laast:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


# --- The year's master data: frozen once the year has a locked round --------------------------------------------


class LaastAarReadOnly(_ModelAdmin):
    """A year with a locked round is history: its udvalg, rammer, activities and budgets can no longer be
    added to or changed here, because a locked round must read the same forever."""

    def _aar_id(self, obj):
        if isinstance(obj, Budgetaar):
            return obj.pk
        if isinstance(obj, Aktivitet):
            return obj.ramme.aar_id
        return obj.aar_id

    def has_change_permission(self, request, obj=None):
        if obj is not None and Opfoelgning.objects.aar_er_frosset(self._aar_id(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Opfoelgning.objects.aar_er_frosset(self._aar_id(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New objects can only be placed in years without a locked round.
        frosne = Opfoelgning.objects.frosne_aar()
        if db_field.name == "aar":
            kwargs["queryset"] = Budgetaar.objects.exclude(pk__in=frosne)
        elif db_field.name == "udvalg":
            kwargs["queryset"] = Udvalg.objects.exclude(aar_id__in=frosne)
        elif db_field.name == "ramme":
            kwargs["queryset"] = Bevillingsramme.objects.exclude(aar_id__in=frosne)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budgetaar)
class BudgetaarAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["aar", "serviceramme", "forklaringsgraense", "vis_overfoersler"]
    fields = ["aar", "serviceramme", "forklaringsgraense", "vis_overfoersler"]


@admin.register(Udvalg)
class UdvalgAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["navn", "kode", "aar", "raekkefoelge"]
    list_filter = ["aar"]
    fields = ["aar", "navn", "kode", "raekkefoelge"]


class RammedelInline(TekstAdmin, admin.TabularInline):
    model = Rammedel
    extra = 0
    fields = ["placering", "oprindeligt_budget", "overfoert_fra_sidste_aar"]
    # The adopted budget does not change during the year; it comes in through the import. Overført fra sidste år is
    # Center for Økonomi's to enter (or the budget file's optional column).
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


@admin.register(Aktivitet)
class AktivitetAdmin(TekstAdmin, LaastAarReadOnly, admin.ModelAdmin):
    list_display = ["navn", "ramme", "sortering"]
    list_filter = ["ramme__aar"]
    search_fields = ["navn", "ramme__nummer"]
    autocomplete_fields = ["ramme"]
