"""The "Guideline endorsement" workflow, the guideline index it is assigned to, and
CMS access for the two reviewing bodies.

Clinical review (Clinical steering group) comes first, then executive endorsement
(Executive committee), whose approval publishes the guideline and is recorded as
the endorsement.
"""

from django.db import migrations

from core.pagetree import add_section_page

WORKFLOW_NAME = "Guideline endorsement"
STEPS = [
    ("Clinical review", "Clinical steering group", False),
    ("Executive endorsement", "Executive committee", True),
]
INDEX_SLUG = "guidelines"
INTRO = (
    "<p>Guidelines endorsed by the network's executive committee after clinical review "
    "by the clinical steering group. Each one says who it is for, when it was endorsed "
    "and when it is due for review. Let us know you have read the current version, "
    "and organisation leads can record whether their organisation has adopted it.</p>"
)


def create_index_page(apps):
    return add_section_page(
        apps, "guidelines", "GuidelineIndexPage", slug=INDEX_SLUG, title="Guidelines", intro=INTRO
    )


def create_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    EndorsementStep = apps.get_model("guidelines", "EndorsementStep")

    from django.contrib.auth.management import create_permissions

    admin_config = apps.get_app_config("wagtailadmin")
    admin_config.models_module = True
    create_permissions(admin_config, verbosity=0)
    admin_config.models_module = None
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )

    step_type, _ = ContentType.objects.get_or_create(app_label="guidelines", model="endorsementstep")
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    for order, (name, group_name, endorsing) in enumerate(STEPS):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        step = EndorsementStep.objects.filter(name=name).first()
        if step is None:
            step = EndorsementStep.objects.create(
                name=name, content_type=step_type, active=True, endorsing_body=endorsing
            )
        step.groups.set([group])
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=step, defaults={"sort_order": order}
        )
    index = create_index_page(apps)
    if index is not None:
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    EndorsementStep = apps.get_model("guidelines", "EndorsementStep")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    EndorsementStep.objects.filter(name__in=[name for name, _group, _e in STEPS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidelines", "0001_initial"),
        ("cop_site", "0003_coordinator_cms_access"),
        ("members", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
