from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from members.views import LoginRedirectView
from search import views as search_views
from website import views as website_views

# One way in: Wagtail's own login forms send people to allauth's, which carries the rate
# limits and two-factor authentication.
login_redirects = [
    path("admin/login/", LoginRedirectView.as_view()),
    path("_util/login/", LoginRedirectView.as_view()),
]

urlpatterns = [
    *login_redirects,
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comptes/", include("allauth.urls")),
    path("membres/", include("follows.urls")),
    path("membres/", include("members.urls")),
    path("recherche/", search_views.search, name="search"),
    path("agenda/agenda.ics", website_views.agenda_ics, name="agenda_ics"),
    path("agenda/<slug:slug>.ics", website_views.event_ics, name="event_ics"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": {"wagtail": website_views.SiteSitemap}}, name="sitemap"
    ),
    path("robots.txt", website_views.robots_txt, name="robots_txt"),
    path("langue/", website_views.choose_language, name="choose_language"),
    path("pilotage/", website_views.cockpit, name="cockpit"),
    path("pilotage/export/<str:file_format>/", website_views.cockpit_export, name="cockpit_export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("commentaires/", include("blog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A French 503 when the database is unreachable, a 507 when the disk is full, else the 500 page.
handler500 = "core.views.server_error"

# Wagtail serves every other path from the page tree: this pattern stays last.
urlpatterns += [path("", include(wagtail_urls))]
