from django.urls import path

from rammeindsigt import views

app_name = "rammer"

urlpatterns = [
    path("", views.oversigt_side, name="oversigt"),
    path("<int:aar>/<str:ramme_nr>/", views.ramme_side, name="ramme"),
    path("<int:aar>/<str:ramme_nr>/regnskab/", views.regnskab_side, name="regnskab"),
    path("<int:aar>/<str:ramme_nr>/regnskab/rediger/", views.rediger_regnskab, name="rediger_regnskab"),
    path("<int:aar>/<str:ramme_nr>/ledelsesinformation/", views.ledelsesinformation_side, name="ledelsesinformation"),
    path(
        "<int:aar>/<str:ramme_nr>/ledelsesinformation/ledelsesinformation.pdf",
        views.ledelsesinformation_pdf,
        name="ledelsesinformation_pdf",
    ),
    path("<int:aar>/<str:ramme_nr>/ledelsesinformation/<slug:graf>.svg", views.graf_svg, name="graf"),
    path("<int:aar>/<str:ramme_nr>/ledelsesinformation/skoen/", views.rediger_skoen, name="rediger_skoen"),
    path("<int:aar>/<str:ramme_nr>/ledelsesinformation/estimat/", views.rediger_estimat, name="rediger_estimat"),
    path(
        "<int:aar>/<str:ramme_nr>/ledelsesinformation/maanedsstatus/",
        views.rediger_maanedsstatus,
        name="rediger_maanedsstatus",
    ),
    path(
        "<int:aar>/<str:ramme_nr>/ledelsesinformation/underretninger/",
        views.rediger_underretninger,
        name="rediger_underretninger",
    ),
    path("<int:aar>/<str:ramme_nr>/budgetmodel/", views.budgetmodel_side, name="budgetmodel"),
    path("<int:aar>/<str:ramme_nr>/budgetmodel/gem/", views.gem_budgetmodel, name="gem_budgetmodel"),
]
