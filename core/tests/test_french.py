import pytest
from django.utils import translation

from core.french import as_role, de, of_name, que


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Le Haillan", "du Haillan"),
        ("Pessac", "de Pessac"),
        ("Gujan-Mestras", "de Gujan-Mestras"),
        ("Mont-de-Marsan", "de Mont-de-Marsan"),
        ("Arcachon", "d'Arcachon"),
        ("Lesparre-Médoc", "de Lesparre-Médoc"),
        ("Lège-Cap-Ferret", "de Lège-Cap-Ferret"),
        ("La Teste-de-Buch", "de la Teste-de-Buch"),
        ("Les Landes", "des Landes"),
        ("L'Isle-Jourdain", "de l'Isle-Jourdain"),
        ("Grand Dax", "du Grand Dax"),
        ("SDIS 24", "du SDIS 24"),
        ("Pays Cœur Entre-deux-Mers", "du Pays Cœur Entre-deux-Mers"),
        (
            "Communauté de communes de l'Estuaire",
            "de la Communauté de communes de l'Estuaire",
        ),
        (
            "COBAS (Communauté d'agglomération du Bassin d'Arcachon Sud)",
            "de la COBAS (Communauté d'agglomération du Bassin d'Arcachon Sud)",
        ),
        ("Office public de l'habitat", "de l'Office public de l'habitat"),
    ],
)
def test_de_contracts_with_the_article_of_the_name(name, expected):
    assert de(name) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent référent", "qu'agent référent"),
        ("élu référent", "qu'élu référent"),
        ("membre de l'équipe projet", "que membre de l'équipe projet"),
    ],
)
def test_que_is_elided_before_a_vowel(role, expected):
    assert que(role) == expected


def test_phrases_follow_the_active_language():
    with translation.override("fr"):
        assert f"{as_role('agent référent')} {of_name('Le Haillan')}" == (
            "en tant qu'agent référent du Haillan"
        )
    with translation.override("en"):
        assert f"{as_role('staff referent')} {of_name('Le Haillan')}" == (
            "as staff referent of Le Haillan"
        )
