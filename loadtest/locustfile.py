"""The load test's simulated network members (locust), run by ``loadtest/run.py``.

Each simulated member logs in with its own account (``charge-NNN@exemple.fr``, created by
``manage.py create_loadtest_members``), then reads the home page, the blog, posts, structures
and lessons, comments on posts and follows structures, as a browser would: every form is read
from the page (its action, CSRF token and other hidden fields) before it is sent. Each comment
carries a unique token, ``[charge <run> <n>]``; the tokens of the comments the site accepted
(a redirect to the new comment) and of those it did not are written to ``LOADTEST_REPORT`` at
the end, for ``manage.py check_loadtest_comments``.
"""

import itertools
import json
import os
import random
import re
import threading
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

RUN = os.environ.get("LOADTEST_RUN", "local")
REPORT = os.environ.get("LOADTEST_REPORT", "loadtest-report.json")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-charge")
POST_LINK = re.compile(r"^/blog/[a-z][a-z0-9-]*/$")
STRUCTURE_LINK = re.compile(r"^/structures/[a-z][a-z0-9-]*/$")
COMMENT_ACTION = re.compile(r"^/commentaires/article/\d+/$")
FOLLOW_ACTION = "/membres/moi/abonnements/suivre/"

member_numbers = itertools.count(1)
comment_numbers = itertools.count(1)
lock = threading.Lock()
posted, failed = [], []
known = {"posts": set(), "structures": set()}


class Page(HTMLParser):
    """The links and forms of an HTML page: ``forms`` is a list of ``(action, fields)``, where
    ``fields`` holds each input's value and each select's selected (or first) option."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = set(), []
        self._form, self._select = None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"].split("#")[0].split("?")[0])
        elif tag == "form":
            self._form = (attrs.get("action") or "", {})
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea") and attrs.get("name"):
            if attrs.get("type") not in ("submit", "checkbox", "radio") or "checked" in attrs:
                self._form[1][attrs["name"]] = attrs.get("value") or ""
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            fields = self._form[1]
            if self._select not in fields or "selected" in attrs:
                fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def form(self, action):
        """The fields of the first form whose action matches ``action`` (a string or a regex)."""
        for form_action, fields in self.forms:
            matches = (
                action.match(form_action) if hasattr(action, "match") else form_action == action
            )
            if matches:
                return form_action, dict(fields)
        return None, None


class Member(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        self.number = next(member_numbers)
        email = f"charge-{self.number:03d}@exemple.fr"
        page = self.read("/comptes/login/", name="/comptes/login/")
        action, fields = page.form(re.compile(r"^(/comptes/login/)?$")) if page else (None, None)
        if fields is None:
            return
        fields.update({"login": email, "password": PASSWORD})
        with self.client.post(
            action or "/comptes/login/",
            data=fields,
            name="/comptes/login/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:  # noqa: PLR2004
                response.failure(f"{email} could not log in ({response.status_code})")
        self.discover()

    def read(self, url, name=None):
        """GET ``url``; its parsed ``Page``, or None when it failed."""
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"{url}: {response.status_code}")
                return None
            return Page(response.text)

    def discover(self):
        if known["posts"] and known["structures"]:
            return
        for index, key, pattern in (
            ("/blog/", "posts", POST_LINK),
            ("/structures/", "structures", STRUCTURE_LINK),
        ):
            page = self.read(index)
            if page:
                known[key].update(link for link in page.links if pattern.match(link))

    @task(3)
    def home(self):
        self.read("/")

    @task(2)
    def blog(self):
        self.read("/blog/")

    @task(4)
    def post(self):
        if known["posts"]:
            self.read(random.choice(sorted(known["posts"])), name="/blog/[article]")  # noqa: S311

    @task(2)
    def structure(self):
        if known["structures"]:
            url = random.choice(sorted(known["structures"]))  # noqa: S311
            self.read(url, name="/structures/[structure]")

    @task(1)
    def lessons(self):
        self.read("/enseignements/")

    @task(3)
    def comment(self):
        posts = sorted(known["posts"])
        if not posts:
            return
        page = self.read(random.choice(posts), name="/blog/[article]")  # noqa: S311
        if page is None:
            return
        action, fields = page.form(COMMENT_ACTION)
        if fields is None:  # a post without comments open to this member
            return
        token = str(next(comment_numbers))
        fields["comment"] = (
            f"Commentaire de charge [charge {RUN} {token}] du membre {self.number} : "
            "le retour d'expérience sur les clauses sociales nous sera utile."
        )
        with self.client.post(
            action,
            data=fields,
            name="/commentaires/article/[id]/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            accepted = response.status_code == 302  # noqa: PLR2004
            with lock:
                (posted if accepted else failed).append(token)
            if not accepted:
                response.failure(f"comment refused: {response.status_code}")
                return
            location = response.headers["Location"]
        self.read(location, name="/blog/[article] (after commenting)")

    @task(1)
    def follow(self):
        structures = sorted(known["structures"])
        if not structures:
            return
        url = random.choice(structures)  # noqa: S311
        page = self.read(url, name="/structures/[structure]")
        if page is None:
            return
        action, fields = page.form(FOLLOW_ACTION)
        if fields is None:
            return
        with self.client.post(
            action,
            data=fields,
            name=FOLLOW_ACTION,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:  # noqa: PLR2004
                response.failure(f"follow refused: {response.status_code}")


@events.test_stop.add_listener
def write_report(**kwargs):
    with lock, open(REPORT, "w", encoding="utf-8") as out:
        json.dump({"run": RUN, "posted": posted, "failed": failed}, out)
