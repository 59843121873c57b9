from django.urls import path, register_converter

from omstilling import views
from omstilling.models import NR_MOENSTER


class ForslagsnrConverter:
    """A proposal number (TMU-01, KFU-04A, ØKU-11), so it cannot be mistaken for the fixed words next to it."""

    regex = NR_MOENSTER

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ForslagsnrConverter, "forslagsnr")

app_name = "omstilling"
urlpatterns = [
    path("", views.katalog_liste, name="kataloger"),
    path("<int:aar>/", views.oversigt_side, name="oversigt"),
    path("<int:aar>/oversigt.pdf", views.oversigt_pdf, name="oversigt_pdf"),
    path("<int:aar>/oversigt.xlsx", views.oversigt_xlsx, name="oversigt_xlsx"),
    path("<int:aar>/nyt/", views.nyt_forslag, name="nyt_forslag"),
    path("<int:aar>/<forslagsnr:nr>/", views.forslag_side, name="forslag"),
    path("<int:aar>/<forslagsnr:nr>/forslag.pdf", views.forslag_pdf, name="forslag_pdf"),
    path("<int:aar>/<forslagsnr:nr>/rediger/", views.rediger_forslag, name="rediger_forslag"),
    path("opfolgning/<int:opfoelgning_aar>/<int:opfoelgning_nr>/", views.opfoelgning_side, name="opfoelgning"),
    path(
        "opfolgning/<int:opfoelgning_aar>/<int:opfoelgning_nr>/overfoer/", views.overfoer_opfoelgning, name="overfoer"
    ),
    path(
        "opfolgning/<int:opfoelgning_aar>/<int:opfoelgning_nr>/<int:aar>/<forslagsnr:nr>/",
        views.rediger_opfoelgning,
        name="rediger_opfoelgning",
    ),
]
