from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from budgetopfolgning.models import Opfoelgning
from kerne.tekst import TekstAdmin
from omstilling.models import Forslag, Forslagsaar, Forslagsopfoelgning, Forslagsramme, Katalog, Katalogudvalg, Krav


class KravInline(TekstAdmin, admin.TabularInline):
    model = Krav
    extra = 0


class KatalogudvalgInline(TekstAdmin, admin.TabularInline):
    model = Katalogudvalg
    extra = 0


@admin.register(Katalog)
class KatalogAdmin(TekstAdmin, admin.ModelAdmin):
    list_display = ["aar", "titel", "aar_fra", "aar_til", "dato"]
    inlines = [KravInline, KatalogudvalgInline]


class ForslagsaarInline(TekstAdmin, admin.TabularInline):
    model = Forslagsaar
    extra = 0


class ForslagsrammeInline(TekstAdmin, admin.TabularInline):
    model = Forslagsramme
    extra = 0


@admin.register(Forslag)
class ForslagAdmin(TekstAdmin, SimpleHistoryAdmin):
    list_display = ["nr", "titel", "udvalg", "status"]
    list_filter = ["katalog", "udvalg", "status"]
    search_fields = ["nr", "titel"]
    inlines = [ForslagsaarInline, ForslagsrammeInline]


@admin.register(Forslagsopfoelgning)
class ForslagsopfoelgningAdmin(TekstAdmin, SimpleHistoryAdmin):
    list_display = ["forslag", "opfoelgning", "indsats", "oekonomi", "realiseret"]
    list_filter = ["opfoelgning", "indsats", "oekonomi"]

    def has_change_permission(self, request, obj=None):
        # A follow-up belongs to its round: once the round is locked it is history.
        if obj is not None and obj.opfoelgning.er_laast:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.opfoelgning.er_laast:
            return False
        return super().has_delete_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The history page can revert a row to an earlier version, and django-simple-history checks only view or
        # change-history rights there: a follow-up of a locked round, or one moved into a locked round, is refused.
        if request.method == "POST":
            nu = Forslagsopfoelgning.objects.select_related("opfoelgning").filter(pk=object_id).first()
            gammel = Forslagsopfoelgning.history.filter(id=object_id, history_id=version_id).first()
            laaste = Opfoelgning.objects.filter(status=Opfoelgning.LAAST)
            if (nu is not None and nu.opfoelgning.er_laast) or (
                gammel is not None and laaste.filter(pk=gammel.opfoelgning_id).exists()
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new follow-up can only be added to an open round.
        if db_field.name == "opfoelgning":
            kwargs["queryset"] = Opfoelgning.objects.filter(status=Opfoelgning.AABEN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
