"""A "Members only" collection: documents in it are served to approved members only
(see cop_site/wagtail_hooks.py). Study-day slides, handouts and the like go here."""

from django.db import migrations

from cop_site.pagetree import next_child_path

NAME = "Members only"


def create_collection(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Collection.objects.filter(depth=1).first()
    if root is None or Collection.objects.filter(name=NAME).exists():
        return
    Collection.objects.create(
        name=NAME, path=next_child_path(Collection, root), depth=2, numchild=0
    )
    Collection.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("cop_site", "0004_retire_default_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_collection, migrations.RunPython.noop)]
