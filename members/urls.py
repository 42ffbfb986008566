from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<id:pk>/", views.profile, name="profile"),
    path("moi/", views.edit_profile, name="edit_profile"),
    path("moi/donnees/", views.export_data, name="export_data"),
    path("moi/supprimer/", views.delete_my_account, name="delete_account"),
    path("inviter/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
