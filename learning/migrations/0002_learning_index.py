"""The "Learning" section at /learning/: "My learning" for members."""

from django.db import migrations

from core.pagetree import add_section_page

INTRO = (
    "<p>Learning tracks written for every role in children's palliative care: clinical "
    "staff, non-clinical staff such as administrators and family support workers, and "
    "universal services such as schools and social care. They follow the levels of the "
    "UK &amp; Ireland children's palliative care education and training framework. Work "
    "through the modules at your own pace, earn a certificate, and keep your CPD record "
    "here, with the ECHO sessions and study days you attend.</p>"
)


def create_index(apps, schema_editor):
    add_section_page(
        apps, "learning", "LearningIndexPage", slug="learning", title="Learning", intro=INTRO
    )



class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("cop_site", "0003_coordinator_cms_access"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
