"""The categories' vocabulary: seed 003's, read by anyone, extended by the networks'
facilitators (a code made from the name, its place after its siblings)."""

from territoires.actors.models import Category

URL = "/acteurs/categories/"


def test_anyone_reads_the_vocabulary_with_its_reasons(client):
    page = client.get(URL)
    assert page.status_code == 200
    assert "Acteurs politiques" in page.text and "Ajouter une catégorie" not in page.text


def test_a_facilitator_adds_a_sub_category_and_a_top_level_one(client, fanny, bob):
    client.force_login(bob)
    assert client.post(URL, {"name": "Tiers-lieux"}).status_code == 403
    participation = Category.objects.get(slug="participation")
    client.force_login(fanny)
    assert "Ajouter une catégorie" in client.get(URL).text
    response = client.post(
        URL,
        {
            "name": "Tiers-lieux",
            "parent": participation.pk,
            "reason": "des lieux où les habitants se retrouvent",
            "source": "Réseau des tiers-lieux, 2026",
        },
    )
    assert response.status_code == 302
    added = Category.objects.get(name="Tiers-lieux")
    assert added.slug == "tiers-lieux" and added.parent == participation
    assert added.order > max(child.order for child in participation.children.exclude(pk=added.pk))
    assert client.post(URL, {"name": "Tiers-lieux"}).status_code == 302
    again = Category.objects.filter(name="Tiers-lieux", parent=None).get()
    assert again.slug == "tiers-lieux-2"
    assert again.order > max(
        c.order for c in Category.objects.filter(parent=None).exclude(pk=again.pk)
    )
    assert "des lieux où les habitants se retrouvent" in client.get(URL).text
    twice = client.post(URL, {"name": "tiers-lieux", "parent": participation.pk})
    assert twice.status_code == 400 and "existe déjà" in twice.content.decode()


def test_a_sub_category_goes_under_a_top_level_one(client, fanny):
    child = Category.objects.exclude(parent=None).first()
    client.force_login(fanny)
    response = client.post(URL, {"name": "Trop profond", "parent": child.pk})
    assert response.status_code == 400
    assert not Category.objects.filter(name="Trop profond").exists()
