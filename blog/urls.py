"""Comment actions under ``/commentaires/``; the comments themselves show on each post page."""

from django.urls import path

from . import views

app_name = "blog_comments"

urlpatterns = [
    path("mentions/", views.mention_suggestions, name="mention_suggestions"),
    path("article/<id:post_id>/", views.new_comment, name="post"),
    path("<id:comment_id>/repondre/", views.reply, name="reply"),
    path("<id:comment_id>/modifier/", views.edit, name="edit"),
    path("<id:comment_id>/supprimer/", views.delete, name="delete"),
    path("<id:comment_id>/signaler/", views.flag, name="flag"),
    path("<id:comment_id>/masquer/", views.hide, name="hide"),
]
