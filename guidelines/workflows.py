"""What happens when a Wagtail workflow finishes (WAGTAIL_FINISH_WORKFLOW_ACTION)."""

from __future__ import annotations

from wagtail.workflows import publish_workflow_state as wagtail_publish_workflow_state


def publish_workflow_state(workflow_state, user=None) -> None:
    """Publish the approved revision.

    Nobody holds permission to publish a guideline directly (see
    `GuidelinePermissionTester`); approval of the workflow's last step by the
    endorsing body is the permission, so the permission check is skipped here and
    only here. Other pages publish as Wagtail does.
    """
    # Imported here: Wagtail reads this setting while its own models are loading.
    from .models import GuidelinePage
    from .services import check_endorsement

    content_object = workflow_state.content_object
    if isinstance(content_object.specific, GuidelinePage):
        revision = content_object.get_latest_revision()
        check_endorsement(workflow_state, revision)
        revision.publish(user=user, skip_permission_checks=True)
        return
    wagtail_publish_workflow_state(workflow_state, user=user)
