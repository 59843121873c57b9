"""The kontoplan and the periodisering in the admin, for Center for Økonomi. Forbrug itself comes only from the
ERP's files (the import) and is read-only here. None of it is among a locked round's frozen figures."""

from django.contrib import admin

from forbrug.models import Aarsperiodisering, Forbrug, Konto, Rammeperiodisering
from kerne.beloeb import NUL, dansk_tal
from kerne.tekst import TekstAdmin
from rammer.models import Aktivitet, Rammedel


class RammedelValg:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rammedel":
            kwargs["queryset"] = Rammedel.objects.select_related("ramme__aar").order_by(
                "-ramme__aar__aar", "ramme__sorteringsnoegle", "placering"
            )
        elif db_field.name == "aktivitet":
            kwargs["queryset"] = Aktivitet.objects.select_related("ramme__aar")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Konto)
class KontoAdmin(TekstAdmin, RammedelValg, admin.ModelAdmin):
    list_display = ["konto", "aar", "rammedel", "aktivitet"]
    list_filter = ["aar"]
    search_fields = ["konto", "rammedel__ramme__nummer", "rammedel__ramme__navn"]
    list_select_related = ["aar", "rammedel__ramme__aar", "aktivitet__ramme__aar"]
    fields = ["aar", "konto", "rammedel", "aktivitet"]


@admin.register(Forbrug)
class ForbrugAdmin(admin.ModelAdmin):
    list_display = ["konto", "aar", "kontoplan", "maaneder", "i_alt"]
    list_filter = ["aar"]
    search_fields = ["konto"]
    list_select_related = ["aar", "kontoplan__aar"]

    @admin.display(description="måneder")
    def maaneder(self, obj: Forbrug) -> str:
        return ", ".join(str(m) for m in obj.maanedsbeloeb()) or "–"

    @admin.display(description="i alt (kr.)")
    def i_alt(self, obj: Forbrug) -> str:
        return dansk_tal(sum(obj.maanedsbeloeb().values(), NUL), 2)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Aarsperiodisering)
class AarsperiodiseringAdmin(TekstAdmin, admin.ModelAdmin):
    list_display = ["aar", "metode"]
    fields = ["aar", "metode", "procenter"]


@admin.register(Rammeperiodisering)
class RammeperiodiseringAdmin(TekstAdmin, RammedelValg, admin.ModelAdmin):
    list_display = ["rammedel", "metode"]
    list_filter = ["rammedel__ramme__aar", "metode"]
    search_fields = ["rammedel__ramme__nummer", "rammedel__ramme__navn"]
    list_select_related = ["rammedel__ramme__aar"]
    fields = ["rammedel", "metode", "procenter"]
