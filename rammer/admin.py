"""Who is responsible for which ramme. The year's udvalg, rammer and budgets are administered with the rounds
(budgetopfolgning/admin.py), since a locked round freezes them."""

from django.contrib import admin
from django.contrib.auth.models import User

from kerne import roller
from kerne.tekst import TekstAdmin
from rammer.models import Rammeansvar


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
            kwargs["queryset"] = User.objects.filter(groups__name=roller.KONSULENT).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
