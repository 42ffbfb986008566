"""Settings shared by every environment.

Everything that depends on the machine is read from the environment, with an embedded default
that needs no service (SQLite, local-memory cache, database search, console email). No secret
lives here: ``production`` refuses to start without them.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def redis_cache(url, prefix="raa"):
    """Django's Redis cache for ``url``, or local memory when ``url`` is empty.

    ``core.redis_cache.ResilientRedisCache``: while Redis is unreachable, the site serves
    without the cache (misses, nothing stored, a logged warning) instead of failing; it waits
    at most a second for Redis on each call.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    return {
        "BACKEND": "core.redis_cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def search_backend(elasticsearch_url):
    """Elasticsearch 8 with a French analyzer when a URL is given, else the database backend."""
    if not elasticsearch_url:
        return {
            "BACKEND": "wagtail.search.backends.database",
            # PostgreSQL full text search stems and unaccents French words with this config.
            "SEARCH_CONFIG": "french",
        }
    return {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": [elasticsearch_url],
        "INDEX_PREFIX": env("ELASTICSEARCH_INDEX_PREFIX", default="raa_"),
        "TIMEOUT": 5,
        "OPTIONS": {},
        "INDEX_SETTINGS": {
            "settings": {
                "analysis": {
                    "analyzer": {
                        "default": {"type": "french"},
                    }
                }
            }
        },
    }


def database(url, keep_seconds=0):
    """Django's database settings for ``url``; SQLite ones tuned for several writers.
    ``keep_seconds``: how long a connection is kept between requests unless ``CONN_MAX_AGE``
    says (0, a connection per request, for the development server's thread per request).

    The embedded SQLite default (and any ``sqlite://`` URL from the environment) writes through
    a write-ahead log, so readers never block the writer; every transaction takes the write
    lock when it begins (``BEGIN IMMEDIATE``), and a writer waits up to 20 seconds for it,
    instead of failing with "database is locked" when an editor publishes while another
    page's autosave writes.
    """
    config = env.db_url_config(url)
    # A connection kept between requests (CONN_MAX_AGE seconds) is checked before each request
    # reuses it: after a PostgreSQL restart the site reconnects by itself, never serving the
    # error of a dead connection. Until the database answers, pages get the 503 page
    # (core.views.server_error).
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=keep_seconds)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"].endswith("postgresql"):
        # An unreachable server fails the request in seconds instead of hanging a worker.
        config.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
    if config["ENGINE"].endswith("sqlite3"):
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            }
        )
    return config


SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The project's apps, bottom-up: Python imports only go down this list (see the README).
# ``follows`` comes after the apps whose followable things it reads when it starts.
INSTALLED_APPS = [
    "core",
    "knowledge",
    "members",
    "blog",
    "follows",
    "search",
    "website",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "members.apps.UsersConfig",  # wagtail.users with the coordinators' user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmarkdown",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_comments_xtd",
    "django_comments",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.staticfiles",
]
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.CoordinatorTwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A page served from the cache still goes out through every middleware above.
    "core.page_cache.AnonymousPageCacheMiddleware",
    # The Wagtail site and its root page, remembered per process (no query: core.sites); after
    # the page cache, which serves a page without them. Nothing above asks for the site before
    # the view (Wagtail's redirects, on a 404's way out, find it set).
    "core.sites.RememberedSiteMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": database(env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": redis_cache(env("REDIS_URL", default="")),
    # Visitors' pages (core.page_cache) and fragments (core.fragments), apart: they never push
    # the rate limits' counters out. In local memory (per process) at most
    # RAA_PAGE_CACHE_ENTRIES entries and RAA_PAGE_CACHE_MEGABYTES in all, least recently used
    # dropped first: a visitor's page is ~20-60 KB, a member's dashboard fragment up to 2 MB.
    "pages": redis_cache(env("REDIS_URL", default=""), prefix="raa-pages"),
}
if not env("REDIS_URL", default=""):
    CACHES["pages"]["BACKEND"] = "core.cache.BoundedLocMemCache"
    CACHES["pages"]["OPTIONS"] = {
        "MAX_ENTRIES": env.int("RAA_PAGE_CACHE_ENTRIES", default=500),
        "MAX_BYTES": env.int("RAA_PAGE_CACHE_MEGABYTES", default=32) * 1024 * 1024,
    }

# Sessions stay in the database (Django's default), not "cached_db": with the local-memory cache
# each worker would keep its own copy, and a logout served by one worker would leave the
# session alive in the others; with Redis, a logout while Redis is unreachable
# (core.redis_cache.ResilientRedisCache skips the deletion) would bring it back afterwards. One
# indexed query per logged-in request is the price of a logout that always holds.

# Visitors' page views served from the cache (core.page_cache); 0 turns it off. Any save or
# deletion in these apps (except core.page_cache.IGNORED_MODELS and these) invalidates them all.
RAA_PAGE_CACHE_SECONDS = env.int("RAA_PAGE_CACHE_SECONDS", default=300)
RAA_PAGE_CACHE_APPS = [
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "taggit",
    "core",
    "knowledge",
    "members",
    "blog",
    "website",
    "django_comments",
    "django_comments_xtd",
]
# An event page taking registrations is never kept (its places left change), so a registration
# need not empty the cache of the whole site.
RAA_PAGE_CACHE_IGNORED_MODELS = ["website.registration"]
RAA_PAGE_CACHE_STAMP_FILE = env("RAA_PAGE_CACHE_STAMP_FILE", default="")
# What every page view reads and only an edit changes (view restrictions, the menu's and the
# footer's pages), kept in each process's memory until the page cache's generation changes
# (core.site_cache.remember): visitors' uncached and members' pages skip those queries.
RAA_FRAGMENT_CACHE = env.bool("RAA_FRAGMENT_CACHE", default=True)
# How long a rendered fragment (core.fragments: the home page's lists) is kept at most.
RAA_FRAGMENT_CACHE_SECONDS = env.int("RAA_FRAGMENT_CACHE_SECONDS", default=300)

AUTH_USER_MODEL = "members.User"
# Django's and allauth's backends, their permissions remembered per process until a change
# (core.auth_backends): a member's page runs no permission query. A session names the backend
# that logged its person in: those opened before this list changed end, and people log in once
# again.
AUTHENTICATION_BACKENDS = [
    "core.auth_backends.ModelBackend",
    "core.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# One way in: pages restricted to members send visitors to allauth, not to Wagtail's own form.
WAGTAIL_FRONTEND_LOGIN_URL = "/comptes/login/"
WAGTAILADMIN_LOGIN_URL = "/comptes/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# django-allauth: the email address is the login; the members step builds the rest on it.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's default rate limits stay on (signups, password resets, emails), except failed
# logins: counted per client address and per (address, account), never per account alone, so
# that nobody can lock an account by knowing its email (members.adapter keys them).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# The client's address is the one the N trusted proxies in front of the site saw (the N-th
# address from the right of X-Forwarded-For); 0 (``make run``): the connection's own address,
# X-Forwarded-For ignored. Wrong in production, every visitor shares the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
EMAIL_SUBJECT_PREFIX = "[Réseau RAA] "
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
# Adding an email address asks for the password again (members/account_forms.py).
ACCOUNT_FORMS = {"add_email": "members.account_forms.AddEmailForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Réseau RAA"
# Coordinators must turn on two-factor authentication before they reach the Wagtail admin.
RAA_COORDINATOR_MFA_REQUIRED = env.bool("RAA_COORDINATOR_MFA_REQUIRED", default=False)
# Invitations each person may send: (number, per this many seconds), all checked.
RAA_INVITATION_LIMITS = [(30, 60 * 60), (100, 24 * 60 * 60)]

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Wagtail's documents live outside MEDIA_ROOT, which the web server may publish: they are only
# served by Wagtail's view, which checks the collection's privacy (core.storage).
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=BASE_DIR / "private_documents")
# Where `manage.py backup` (`make backup`) writes its archives: keep them on another disk.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
STORAGES = {
    "default": {"BACKEND": "core.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Every message, Wagtail's moderation and comment notifications included, is queued as a task
# (core.mail.QueuedEmailBackend); the task hands it to the backend configured above.
RAA_EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Réseau RAA <ne-pas-repondre@exemple.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Immediate: the task runs inside the request (`make run`, tests). Production queues them in the
# database for `manage.py db_worker` (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The public site runs under a strict policy: every script and style is a file served by the
# site itself. Wagtail's admin ships inline scripts and styles of its own: it gets the same
# policy with those allowed, and the strict one in report-only mode (core.middleware).
STRICT_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
RAA_ADMIN_CSP_PREFIXES = ["/admin/"]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": STRICT_CSP_DIRECTIVES}
RAA_ADMIN_CONTENT_SECURITY_POLICY = {
    **STRICT_CSP_DIRECTIVES,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # Image previews and the rich text editor's pasted images; the page preview's frame.
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
}
RAA_ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    **STRICT_CSP_DIRECTIVES,
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
}

# Wagtail
WAGTAIL_SITE_NAME = "Réseau RAA"
WAGTAILADMIN_BASE_URL = SITE_URL
# No third party: Gravatar would receive a hash of every staff member's email address.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
# Editors see who else has a page open and are warned when someone saved in between
# (milliseconds between pings); a stale save is refused (website.concurrent_edits).
WAGTAIL_EDITING_SESSION_PING_INTERVAL = 10000
WAGTAILSEARCH_BACKENDS = {"default": search_backend(env("ELASTICSEARCH_URL", default=""))}
# The site search (search/): the database backend by default, Elasticsearch 8 through
# elasticsearch-dsl when ELASTICSEARCH_URL is set. Wagtail's own index above serves the admin.
RAA_SEARCH = {
    "BACKEND": "elasticsearch" if env("ELASTICSEARCH_URL", default="") else "database",
    "URL": env("ELASTICSEARCH_URL", default=""),
    "INDEX": env("ELASTICSEARCH_INDEX_PREFIX", default="raa_") + "search",
    "TIMEOUT": env.float("ELASTICSEARCH_TIMEOUT", default=3.0),
}
# Documents: the office formats the network exchanges, their content checked as well
# (core/uploads.py: PDF header, OpenDocument and OOXML zip structure, CSV text).
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "ods", "odt", "pdf", "xlsx"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.CheckedDocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # never a redirect to the file's storage URL
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# Restrictions are by login and group only: a shared page password is stored in plain text.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Comments (django-comments-xtd)
# Network members comment on blog posts (blog/comments.py). The library gives the threaded
# model, flags and template tags; the site's own views (blog/views.py) post, edit and moderate,
# so its email confirmation, follow-up emails and JavaScript widgets are not used.
COMMENTS_XTD_MODEL = "blog.models.BlogComment"
COMMENTS_XTD_FORM_CLASS = "blog.forms.CommentForm"
COMMENTS_XTD_MAX_THREAD_LEVEL = 2  # a comment, a reply, a reply to the reply
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")  # oldest conversation first
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_DEFAULT_FOLLOWUP = False
COMMENTS_XTD_SEND_HTML_EMAIL = False
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "blog.blogpostpage": {
        "who_can_post": "users",
        "allow_flagging": True,
        "allow_feedback": False,
        "show_feedback": False,
    }
}
# django_comments' own limit, also its column's: changing it would change the library's models.
COMMENT_MAX_LENGTH = 3000
# Pages and comments deleted more than this many days ago go for good (`purge_trash`).
RAA_TRASH_DAYS = env.int("RAA_TRASH_DAYS", default=30)
RAA_COMMENT_EDIT_MINUTES = 15  # authors edit or delete their comment for this long
RAA_COMMENT_RATE_LIMIT = 5  # comments per member...
RAA_COMMENT_RATE_PERIOD = 60  # ...per this many seconds
RAA_CONTACT_RATE_LIMIT = 5  # contact form messages per client address...
RAA_CONTACT_RATE_PERIOD = 3600  # ...per this many seconds
