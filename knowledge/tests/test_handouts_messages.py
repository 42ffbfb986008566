"""What a browser walk found in the knowledge pages."""

from django.contrib.messages import get_messages

from knowledge.tests.test_handouts import URL, form_data, items, structures, team_member

__all__ = ["items", "structures"]  # fixtures used below


def saved_message(client, data):
    response = client.post(URL, data, follow=True)  # the page shown consumes the message
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_saving_the_lists_says_how_many_items_changed_in_correct_french(client, structures, items):
    documents, interviews = items
    client.force_login(team_member(structures["pessac"]))
    data = {}
    for item in [*documents, *interviews]:
        data.update(form_data(item))

    assert saved_message(client, data) == [
        "Listes indicatives enregistrées (aucun élément modifié)."
    ]
    data.update(form_data(documents[0], done=True, date="2010-01-20"))
    assert saved_message(client, data) == [
        "Listes indicatives enregistrées (1 élément mis à jour)."
    ]
    data.update(form_data(documents[1], done=True, date="2010-01-21"))
    data.update(form_data(documents[2], done=True, date="2010-01-22"))
    assert saved_message(client, data) == [
        "Listes indicatives enregistrées (2 éléments mis à jour)."
    ]
