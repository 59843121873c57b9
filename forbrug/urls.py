from django.urls import path

from forbrug import views

app_name = "forbrug"
urlpatterns = [
    path("indlaes/", views.indlaes_forbrug, name="indlaes"),
]
