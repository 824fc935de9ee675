from django.urls import path

from . import views

app_name = "escalations"

urlpatterns = [
    path("escalations/<str:reference>/", views.escalation_detail, name="detail"),
]
