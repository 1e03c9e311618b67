"""A "Members only" collection, private to signed-in users in Wagtail's own privacy
settings; cop_site/documents.py narrows that to approved members. Study-day slides,
handouts and module documents go here."""

from django.db import migrations

from core.pagetree import next_child_path

NAME = "Members only"


def create_collection(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    collection = Collection.objects.filter(name=NAME).first()
    if collection is None:
        collection = Collection.objects.create(
            name=NAME, path=next_child_path(Collection, root), depth=2, numchild=0
        )
        Collection.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")


class Migration(migrations.Migration):
    dependencies = [
        ("cop_site", "0004_retire_default_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_collection, migrations.RunPython.noop)]
