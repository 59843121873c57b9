from django.contrib import admin

from rammer.models import Bevillingsramme, Budgetaar, Rammedel, Udvalg


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
