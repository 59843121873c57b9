from django.contrib import admin

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.tekst import TekstAdmin

admin.site.site_header = "Budgetopfølgning – administration"
admin.site.site_title = "Budgetopfølgning"
admin.site.index_title = "Administration"


@admin.register(Opfoelgning)
class OpfoelgningAdmin(TekstAdmin, admin.ModelAdmin):
    """Rounds are opened and locked in the app itself; here only the letterhead of an open round is edited.

    The status is never editable here: locking is final and goes through the lock form, which stores the hash.
    """

    list_display = ["__str__", "pr_dato", "sagsnr", "status"]
    list_filter = ["aar", "status"]
    fields = ["aar", "nummer", "status", "pr_dato", "dokumentdato", "sagsnr", "kontakt_center", "kontakt_navn",
              "kontakt_telefon", "kontakt_email"]
    readonly_fields = ["aar", "nummer", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.er_laast:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
