from django.urls import path

from rammeindsigt.views import budgetmodel, ramme, regnskab
from rammeindsigt.views import ledelsesinformation as li

app_name = "rammer"

RAMME = "<int:aar>/<str:ramme_nr>/"
LI = RAMME + "ledelsesinformation/"

urlpatterns = [
    path("", ramme.oversigt_side, name="oversigt"),
    path(RAMME, ramme.ramme_side, name="ramme"),
    path(RAMME + "regnskab/", regnskab.regnskab_side, name="regnskab"),
    path(RAMME + "regnskab/rediger/", regnskab.rediger_regnskab, name="rediger_regnskab"),
    path(LI, li.ledelsesinformation_side, name="ledelsesinformation"),
    path(LI + "ledelsesinformation.pdf", li.ledelsesinformation_pdf, name="ledelsesinformation_pdf"),
    path(LI + "<slug:graf>.svg", li.graf_svg, name="graf"),
    path(LI + "skoen/", li.rediger_skoen, name="rediger_skoen"),
    path(LI + "estimat/", li.rediger_estimat, name="rediger_estimat"),
    path(LI + "maanedsstatus/", li.rediger_maanedsstatus, name="rediger_maanedsstatus"),
    path(LI + "underretninger/", li.rediger_underretninger, name="rediger_underretninger"),
    path(RAMME + "budgetmodel/", budgetmodel.budgetmodel_side, name="budgetmodel"),
    path(RAMME + "budgetmodel/gem/", budgetmodel.gem_budgetmodel, name="gem_budgetmodel"),
]
