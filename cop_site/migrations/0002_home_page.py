"""Replace Wagtail's welcome page with the network's home page, as the default site's root."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cop_site", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cop_site")
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="Network Commons",
        draft_title="Network Commons",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro=(
            "<p>Network Commons is where the children's palliative care managed clinical "
            "network meets: live case discussions, endorsed guidelines, learning for every "
            "role and forums for everyone who cares for children with life-limiting "
            "conditions and their families.</p>"
        ),
        how_to_join=(
            "<p>Anyone who works with these children and families in the region can join: "
            "hospital and hospice staff, community nurses, GPs, teachers and social care. "
            "Register with your work e-mail; a network coordinator approves each "
            "registration.</p>"
        ),
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.id, is_default_site=True,
        site_name="Network Commons",
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("cop_site", "HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cop_site", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
