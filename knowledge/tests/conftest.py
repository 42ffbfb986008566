import pytest

from knowledge.tests.factories import StructureIndexPageFactory


@pytest.fixture
def directory(home_page):
    """``/structures/`` under the home page."""
    return StructureIndexPageFactory(parent=home_page)
