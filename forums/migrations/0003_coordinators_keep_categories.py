"""Coordinators add and change forum categories in the CMS."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_category", "change_category", "delete_category", "view_category"]


def grant(apps, schema_editor):
    config = apps.get_app_config("forums")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coordinators = Group.objects.filter(name="Coordinators").first()
    if coordinators is not None:
        coordinators.permissions.add(
            *Permission.objects.filter(content_type__app_label="forums", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("forums", "0002_profiles_for_existing_members"), ("members", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
