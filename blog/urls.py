"""Comment actions under ``/commentaires/``; the comments themselves show on each post page."""

from django.urls import path

from . import views

app_name = "blog_comments"

urlpatterns = [
    path("article/<int:post_id>/", views.new_comment, name="post"),
    path("<int:comment_id>/repondre/", views.reply, name="reply"),
    path("<int:comment_id>/modifier/", views.edit, name="edit"),
    path("<int:comment_id>/supprimer/", views.delete, name="delete"),
    path("<int:comment_id>/signaler/", views.flag, name="flag"),
    path("<int:comment_id>/masquer/", views.hide, name="hide"),
]
