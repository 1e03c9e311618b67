"""Give every existing account a forum profile (its @handle); new ones get it on creation."""

import re

from django.db import migrations
from django.utils.text import slugify


def create_profiles(apps, schema_editor):
    import secrets

    User = apps.get_model("members", "User")
    ForumProfile = apps.get_model("forums", "ForumProfile")
    taken = set(ForumProfile.objects.values_list("handle", flat=True))
    for user in User.objects.filter(forum_profile__isnull=True).order_by("pk"):
        base = re.sub(r"[^a-z0-9-]+", "-", slugify(user.full_name))
        base = re.sub(r"-{2,}", "-", base).strip("-")[:50].strip("-") or f"member-{user.pk}"
        if len(base) < 3:
            base = f"{base}-{user.pk}"
        handle, number = base, 1
        while handle in taken:
            number += 1
            handle = f"{base}-{number}"
        taken.add(handle)
        ForumProfile.objects.create(
            user=user, handle=handle, unsubscribe_token=secrets.token_urlsafe(24)
        )


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial"), ("members", "0002_roles")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
