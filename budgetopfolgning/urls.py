from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from budgetopfolgning import views

urlpatterns = [
    path("", views.forside, name="forside"),
    path("opfolgning/<int:aar>/<int:nr>/", views.opfoelgning, name="opfoelgning"),
    path("opfolgning/<int:aar>/<int:nr>/udvalg/<str:kode>/", views.udvalg, name="udvalg"),
    path("opfolgning/<int:aar>/<int:nr>/ramme/<str:ramme_nr>/", views.ramme, name="ramme"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
