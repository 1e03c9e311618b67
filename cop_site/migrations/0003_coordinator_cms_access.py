"""Coordinators edit the site's pages, images and documents in Wagtail (/cms/).

Wagtail's first migration creates its own "Moderators" and "Editors" groups with
page-publishing rights. Our "Moderators" role is for the forums and must not
publish pages, so Wagtail's rights are taken from it and the unused "Editors"
group is removed.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add", "change", "choose", "delete"]),
    ("wagtaildocs", "document", ["add", "change", "choose", "delete"]),
]


def ensure_permissions(apps):
    for label in ["wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs"]:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None


def grant(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.clear()
        GroupPagePermission.objects.filter(group=moderators).delete()
        GroupCollectionPermission.objects.filter(group=moderators).delete()
    Group.objects.filter(name="Editors", user__isnull=True).delete()

    coordinators, _ = Group.objects.get_or_create(name="Coordinators")
    coordinators.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    root_page = Page.objects.get(depth=1)
    for action in PAGE_ACTIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{action}_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=coordinators, page=root_page, permission=permission
        )
    root_collection = Collection.objects.get(depth=1)
    for app_label, model, actions in COLLECTION_PERMISSIONS:
        for action in actions:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            GroupCollectionPermission.objects.get_or_create(
                group=coordinators, collection=root_collection, permission=permission
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    coordinators = Group.objects.filter(name="Coordinators").first()
    if coordinators is not None:
        coordinators.permissions.clear()
        GroupPagePermission.objects.filter(group=coordinators).delete()
        GroupCollectionPermission.objects.filter(group=coordinators).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cop_site", "0002_home_page"),
        ("members", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
