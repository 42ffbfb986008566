import pytest

from knowledge.tests.factories import StructureIndexPageFactory


@pytest.fixture
def directory(home_page):
    """``/structures/`` under the home page."""
    return StructureIndexPageFactory(parent=home_page)


@pytest.fixture
def pessac_and_haillan(directory):
    """Two structures under ``/structures/``: Pessac and Le Haillan."""
    from knowledge.tests.factories import StructurePageFactory

    return {
        "pessac": StructurePageFactory(parent=directory, title="Pessac", slug="pessac"),
        "le-haillan": StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan"),
    }
