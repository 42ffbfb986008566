"""Demo content of the blog."""

from website.demo import get_or_create_child

from .models import BlogIndexPage


def build_blog(home, stdout):
    """The blog index at ``/blog/``."""
    get_or_create_child(
        home,
        BlogIndexPage,
        "blog",
        title="Blog",
        show_in_menus=True,
        introduction="<p>Le blog du programme, pour favoriser les échanges entre les structures "
        "retenues et le prestataire&nbsp;: nouvelles des structures, retours d'expérience, "
        "ressources et rendez-vous du réseau.</p>",
    )
    stdout.write("Blog ready: /blog/.")
