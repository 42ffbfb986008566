from django.urls import path

from . import views, views_follow

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("moi/", views.edit_profile, name="edit_profile"),
    path("moi/donnees/", views.export_data, name="export_data"),
    path("moi/supprimer/", views.delete_my_account, name="delete_account"),
    path("inviter/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # Follows and digests
    path("moi/abonnements/", views_follow.follows, name="follows"),
    path("moi/abonnements/suivre/", views_follow.follow, name="follow"),
    path("moi/abonnements/<int:pk>/", views_follow.update_follow, name="update_follow"),
    path("moi/abonnements/<int:pk>/arreter/", views_follow.stop_follow, name="stop_follow"),
    path("desabonnement/<str:token>/", views_follow.unsubscribe, name="unsubscribe"),
]
