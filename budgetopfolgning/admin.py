from django.contrib import admin

from budgetopfolgning.models import Opfoelgning

admin.site.site_header = "Budgetopfølgning – administration"
admin.site.site_title = "Budgetopfølgning"


@admin.register(Opfoelgning)
class OpfoelgningAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pr_dato", "sagsnr", "status"]
    list_filter = ["aar", "status"]
