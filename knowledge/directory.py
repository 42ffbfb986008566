"""The structure directory: filters, diversity panel and map (see ``directory_context``)."""

from knowledge.models.structures import StructurePage


def directory_context(index_page, request):
    return {"structures": StructurePage.objects.child_of(index_page).for_listing()}
