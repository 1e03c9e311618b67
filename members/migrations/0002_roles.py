from django.db import migrations

ROLES = [
    "Coordinators",
    "Facilitators",
    "Moderators",
    "Executive committee",
    "Clinical steering group",
    "Education steering group",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # Wagtail creates a "Moderators" group of its own; ours must come after it.
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
