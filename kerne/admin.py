"""Users and their roles in the admin: Center for Økonomi gives and takes the three roles, and nothing more.

Only a superuser (made with `createsuperuser`) can make another superuser, give staff rights outside the Center
for Økonomi role, or hand out raw permissions or other groups. See docs/adgang.md.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from kerne import roller
from kerne.logo import tjek_logo
from kerne.models import Adgangslog, Kommune, SsoIdentitet
from kerne.tekst import TekstAdmin, TekstValidering

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

admin.site.site_header = "Budgetopfølgning – administration"
admin.site.site_title = "Budgetopfølgning"
admin.site.index_title = "Administration"

ROLLE_FIELDSETS: "_FieldsetSpec" = (
    (None, {"fields": ("username", "password")}),
    (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
    ("Adgang", {"fields": ("is_active", "groups")}),
    (_("Important dates"), {"fields": ("last_login", "date_joined")}),
)


def kun_roller(user: User) -> bool:
    """True when all of the user's rights come from the three roles, so a non-superuser may manage the account.

    Anyone else (a superuser, or someone given raw permissions or another group by a superuser) holds rights that
    Center for Økonomi does not, and taking over their account by changing its password would hand those over.
    """
    return (
        not user.is_superuser
        and not user.user_permissions.exists()
        and not user.groups.exclude(name__in=roller.ROLLER).exists()
    )


admin.site.unregister(User)
admin.site.unregister(Group)


class BrugerForm(TekstValidering, UserChangeForm):
    pass


class NyBrugerForm(TekstValidering, AdminUserCreationForm):
    pass


@admin.register(User)
class BrugerAdmin(UserAdmin):
    """The stock user admin for superusers; for Center for Økonomi only names, e-mail, active and the three roles.

    A non-superuser never sets `is_staff` itself: it follows the Center for Økonomi role, the one role that uses
    the admin, when the account is saved here.
    """

    form = BrugerForm
    add_form = NyBrugerForm

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> "_FieldsetSpec":
        if request.user.is_superuser or obj is None:
            # The add form is the stock one (username and password only) for everyone.
            return super().get_fieldsets(request, obj)
        return ROLLE_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str] | tuple[str, ...]:
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roller.ROLLER).order_by("name")
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = "Roller"
            kwargs["help_text"] = "Center for Økonomi giver også adgang til administrationen."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not request.user.is_superuser and not kun_roller(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not request.user.is_superuser and not kun_roller(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            user = form.instance
            staff = user.groups.filter(name=roller.OKONOMI).exists()
            if user.is_staff != staff:
                user.is_staff = staff
                user.save(update_fields=["is_staff"])


@admin.register(Group)
class GruppeAdmin(TekstAdmin, GroupAdmin):
    """The groups are the three roles, and their permissions are set by `opsaet_roller`: only a superuser sees them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser


@admin.register(Adgangslog)
class AdgangslogAdmin(admin.ModelAdmin):
    """The access log, for Center for Økonomi to read (`opsaet_roller` gives the role view permission); nobody adds,
    changes or deletes a line through the admin."""

    list_display = ("tidspunkt", "brugernavn", "handling", "objekt", "request_id")
    list_filter = ("handling", "tidspunkt")
    search_fields = ("brugernavn", "objekt", "request_id")
    date_hierarchy = "tidspunkt"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SsoIdentitet)
class SsoIdentitetAdmin(admin.ModelAdmin):
    """Which provider identity signs in to which account (made at the first SSO login). A superuser may delete a link,
    e.g. before an account is handed to someone else; nobody makes or changes one by hand."""

    list_display = ("bruger", "udsteder", "sub", "oprettet")
    search_fields = ("bruger__username", "sub")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
class KommuneForm(TekstValidering, forms.ModelForm):
    logo_fil = forms.FileField(
        label="Logo", required=False, help_text="PNG eller SVG, højst 200 KB. Vises på siderne og i bilagets brevhoved."
    )
    fjern_logo = forms.BooleanField(label="Fjern logoet", required=False)

    class Meta:
        model = Kommune
        fields = [f.name for f in Kommune._meta.fields if f.editable and f.name != "id"]

    def clean_logo_fil(self) -> Any:
        fil = self.cleaned_data.get("logo_fil")
        if fil:
            data = fil.read()
            self.instance.logo_type = tjek_logo(data, fil.name)
            self.instance.logo = data
        return fil

    def clean(self) -> dict[str, Any] | None:
        if self.cleaned_data.get("fjern_logo"):
            self.instance.logo = None
            self.instance.logo_type = ""
        return super().clean()


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    """The kommune's one row of settings: Center for Økonomi edits it; it is never added twice or deleted."""

    form = KommuneForm
    fieldsets = (
        (None, {"fields": ("navn", "logo_fil", "logo_alt", "fjern_logo", "brevhoved_adresse")}),
        ("Bilaget", {"fields": ("bilagsbetegnelse", "bilagstitel", "opsummering_afrunding")}),
        (
            "Fortegn under tabellerne",
            {"fields": ("fortegn_korrektioner_plus", "fortegn_korrektioner_minus", "fortegn_afvigelse_plus",
                        "fortegn_afvigelse_minus")},
        ),
        ("Regler", {"fields": ("forklaringsgraense", "rammenummer_form", "rammenummer_eksempel")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Kommune.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # One row: the list is the row itself (made with the defaults the first time it is opened).
        if request.user.has_perm("kerne.change_kommune"):
            Kommune.objects.get_or_create(pk=1)
            return redirect("admin:kerne_kommune_change", 1)
        return super().changelist_view(request, extra_context)
