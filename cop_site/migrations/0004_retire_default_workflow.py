"""Retire the workflow Wagtail's first migrations create for the whole page tree.

Wagtail turns its own "Moderators" group's publish rights into a one-step
workflow assigned to the root page. Our "Moderators" look after the forums and
must not approve pages, and coordinators publish site pages themselves, so that
workflow and its task are deactivated and unassigned. Guidelines have their own
workflow (see guidelines/migrations/0002_endorsement_workflow.py).
"""

from django.db import migrations


def retire(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    tasks = GroupApprovalTask.objects.filter(groups__name="Moderators")
    workflows = Workflow.objects.filter(workflow_tasks__task__in=tasks).distinct()
    WorkflowPage.objects.filter(workflow__in=workflows, page__depth=1).delete()
    workflows.update(active=False)
    for task in tasks:
        task.active = False
        task.save(update_fields=["active"])
        task.groups.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("cop_site", "0003_coordinator_cms_access"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
