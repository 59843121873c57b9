from django.contrib import admin

from rammer.models import Bevillingsramme, Budgetaar, Rammeansvar, Rammedel, Udvalg


@admin.register(Budgetaar)
class BudgetaarAdmin(admin.ModelAdmin):
    list_display = ["aar", "serviceramme", "forklaringsgraense"]


@admin.register(Udvalg)
class UdvalgAdmin(admin.ModelAdmin):
    list_display = ["navn", "kode", "aar", "raekkefoelge"]
    list_filter = ["aar"]


class RammedelInline(admin.TabularInline):
    model = Rammedel
    extra = 0


@admin.register(Bevillingsramme)
class BevillingsrammeAdmin(admin.ModelAdmin):
    list_display = ["nummer", "navn", "udvalg", "aar"]
    list_filter = ["aar", "udvalg"]
    search_fields = ["nummer", "navn"]
    inlines = [RammedelInline]


@admin.register(Rammeansvar)
class RammeansvarAdmin(admin.ModelAdmin):
    list_display = ["bruger", "ramme", "aar"]
    list_filter = ["ramme__aar", "bruger"]
    search_fields = ["bruger__username", "bruger__first_name", "bruger__last_name", "ramme__nummer", "ramme__navn"]
    autocomplete_fields = ["ramme"]

    @admin.display(description="år", ordering="ramme__aar__aar")
    def aar(self, obj):
        return obj.ramme.aar.aar

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bruger":
            from django.contrib.auth.models import User

            from budgetopfolgning import roller

            kwargs["queryset"] = User.objects.filter(groups__name=roller.KONSULENT).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
