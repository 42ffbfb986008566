"""Follows live under the member's account, at the addresses they always had (``/membres/``):
unsubscribe links already sent keep working."""

from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("moi/abonnements/", views.follows, name="follows"),
    path("moi/abonnements/suivre/", views.follow, name="follow"),
    path("moi/abonnements/rappels/", views.update_reminders, name="update_reminders"),
    path("moi/abonnements/<id:pk>/", views.update_follow, name="update_follow"),
    path("moi/abonnements/<id:pk>/arreter/", views.stop_follow, name="stop_follow"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "desabonnement/rappels/<str:token>/",
        views.reminder_unsubscribe,
        name="reminder_unsubscribe",
    ),
]
