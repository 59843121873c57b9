from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from budgetopfolgning import views, views_gennemgang, views_indlaesning
from kerne import oidc, sundhed

urlpatterns = [
    path("", views.forside, name="forside"),
    path("opfolgning/<int:aar>/<int:nr>/", views.opfoelgning_side, name="opfoelgning"),
    path("opfolgning/<int:aar>/praecision/", views.praecision_side, name="praecision"),
    path("opfolgning/<int:aar>/<int:nr>/udvalg/<str:kode>/", views.udvalg_side, name="udvalg"),
    path("opfolgning/<int:aar>/<int:nr>/ramme/<str:ramme_nr>/", views.ramme_side, name="ramme"),
    path("opfolgning/<int:aar>/<int:nr>/ramme/<str:ramme_nr>/rediger/", views.rediger_ramme, name="rediger_ramme"),
    path("opfolgning/<int:aar>/<int:nr>/laas/", views.laas, name="laas"),
    path("opfolgning/<int:aar>/<int:nr>/indtastning/", views_gennemgang.indtastning_side, name="indtastning"),
    path("opfolgning/<int:aar>/<int:nr>/rammer/", views_gennemgang.rammestatus_side, name="rammestatus"),
    path(
        "opfolgning/<int:aar>/<int:nr>/ramme/<str:ramme_nr>/gennemgang/",
        views_gennemgang.gennemgang_handling,
        name="gennemgang",
    ),
    path("opfolgning/ny/", views.ny_opfoelgning, name="ny_opfoelgning"),
    path("opfolgning/indlaes/", views_indlaesning.indlaes_budget, name="indlaes_budget"),
    path("import/<int:job_id>/", views_indlaesning.importjob, name="importjob"),
    path("opfolgning/<int:aar>/<int:nr>/bilag.pdf", views.bilag_pdf, name="bilag_pdf"),
    path("opfolgning/<int:aar>/<int:nr>/dan-bilag/", views.dan_bilag, name="dan_bilag"),
    path("opfolgning/<int:aar>/<int:nr>/udvalg/<str:kode>/bilag.pdf", views.udvalg_bilag_pdf, name="udvalg_bilag_pdf"),
    path("opfolgning/<int:aar>/<int:nr>/tabeller.xlsx", views.tabeller_xlsx, name="tabeller_xlsx"),
    path("opfolgning/<int:aar>/<int:nr>/tabel-<int:tabel>.csv", views.tabel_csv, name="tabel_csv"),
    path("sundhed/", sundhed.sundhed, name="sundhed"),
    path("tilgaengelighed/", views.tilgaengelighed, name="tilgaengelighed"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", oidc.logud, name="logout"),
    path("oidc/start/", oidc.start, name="oidc_start"),
    path("oidc/tilbage/", oidc.tilbage, name="oidc_tilbage"),
    path("admin/", admin.site.urls),
    path("omstilling/", include("omstilling.urls")),
    path("rammer/", include("rammeindsigt.urls")),
    path("forbrug/", include("forbrug.urls")),
]
