"""Guidelines are published only by the endorsement workflow, which records the version."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Task, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from guidelines import services
from guidelines.models import EndorsedVersion, EndorsementApproval, GuidelinePage
from members import roles
from members.models import ApprovalStatus, User
from members.tests.factories import UserFactory

from .factories import days_from_today, edit_draft, endorse, endorse_new_version, make_draft

pytestmark = pytest.mark.django_db

CLINICAL = "Clinical review"
EXECUTIVE = "Executive endorsement"


def fresh(page: GuidelinePage) -> GuidelinePage:
    return GuidelinePage.objects.get(pk=page.pk)


def current_step(page: GuidelinePage) -> str | None:
    task = fresh(page).current_workflow_task
    return task.name if task else None


def form_data(**overrides) -> dict:
    """The admin edit form of a guideline, as the browser would post it."""
    data = {
        "title": "Rapid transfer home for end-of-life care",
        "slug": "rapid-transfer-home",
        "summary": "How to bring a child home to die, when that is the family's wish.",
        "body": streamfield([("text", rich_text("<p>Plan the transfer with the family.</p>"))]),
        "change_summary": "",
        "attachments": streamfield([]),
        "related_guidelines": streamfield([]),
        "category": "rapid_transfer",
        "guideline_owner": "",
        "review_due": days_from_today(365).isoformat(),
        "applies_in_hospital": "on",
        "for_clinical": "on",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


# Nobody publishes a guideline directly


@pytest.mark.parametrize("who", ["author", "executive", "clinical_reviewer", "superuser"])
def test_nobody_holds_permission_to_publish_a_guideline(request, who, draft, guideline):
    user = request.getfixturevalue(who)
    for page in (draft, guideline):
        permissions = fresh(page).permissions_for_user(user)
        assert not permissions.can_publish()
        assert not permissions.can_copy()
    assert not draft.get_parent().specific.permissions_for_user(user).can_publish_subpage()


def test_coordinator_may_still_edit_and_unpublish(author, guideline):
    permissions = fresh(guideline).permissions_for_user(author)
    assert permissions.can_edit()
    assert permissions.can_unpublish()


@pytest.mark.parametrize("who", ["author", "superuser"])
def test_publish_button_in_the_admin_only_saves_a_draft(request, client, who, draft):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        edit_url(draft), form_data(title="Published without review", **{"action-publish": "1"})
    )
    assert response.status_code == 302
    page = fresh(draft)
    assert not page.live
    assert page.get_latest_revision_as_object().title == "Published without review"
    assert not EndorsedVersion.objects.exists()


def test_publish_button_does_not_change_a_live_guideline(client, author, guideline):
    client.force_login(author)
    response = client.post(
        edit_url(guideline),
        form_data(title="Changed without review", **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    page = fresh(guideline)
    assert page.live
    assert page.title == "Rapid transfer home for end-of-life care"
    assert page.has_unpublished_changes
    assert EndorsedVersion.objects.count() == 1
    assert "Changed without review" not in Client().get(page.url).content.decode()


def test_creating_a_guideline_with_publish_leaves_it_a_draft(client, author, index):
    client.force_login(author)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["guidelines", "guidelinepage", index.pk]),
        form_data(title="Care after death", slug="care-after-death", **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    page = GuidelinePage.objects.get(slug="care-after-death")
    assert not page.live
    assert page.first_published_at is None
    assert client.get("/guidelines/care-after-death/").status_code == 404


def test_coordinators_create_guideline_drafts_in_the_admin(wagtail_assert, client, author, index):
    client.force_login(author)
    wagtail_assert.assertCanCreate(
        index, GuidelinePage, form_data(title="Transition", slug="transition"), publish=False
    )
    page = GuidelinePage.objects.get(slug="transition")
    assert not page.live
    assert page.owner_id == author.pk


def test_submitting_from_the_admin_starts_clinical_review(client, author, draft):
    client.force_login(author)
    response = client.post(edit_url(draft), form_data(**{"action-submit": "1"}))
    assert response.status_code == 302
    assert current_step(draft) == CLINICAL
    assert not fresh(draft).live


def test_bulk_publish_is_refused(client, author, draft, index):
    client.force_login(author)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{url}?id={draft.pk}", {"include_descendants": "on"})
    assert not fresh(draft).live
    # The index itself may be bulk-published, and is; its draft guidelines stay drafts.
    published_before = Page.objects.get(pk=index.pk).last_published_at
    client.post(f"{url}?id={index.pk}", {"include_descendants": "on"})
    assert Page.objects.get(pk=index.pk).last_published_at > published_before
    assert not fresh(draft).live
    assert not EndorsedVersion.objects.exists()


@pytest.mark.parametrize("publish_copies", [True, False])
def test_copy_and_publish_is_refused(client, author, guideline, index, publish_copies):
    client.force_login(author)
    data = {
        "new_title": "Copied guideline",
        "new_slug": "copied-guideline",
        "new_parent_page": index.pk,
    }
    if publish_copies:
        data["publish_copies"] = "on"
    client.post(reverse("wagtailadmin_pages:copy", args=[guideline.pk]), data)
    assert not Page.objects.filter(slug="copied-guideline").exists()
    assert GuidelinePage.objects.live().count() == 1


def test_a_guideline_cannot_be_scheduled_to_go_live(author, draft):
    with pytest.raises(ValidationError):
        edit_draft(draft, author, go_live_at=timezone.now() + datetime.timedelta(days=1))
    assert fresh(draft).get_latest_revision_as_object().go_live_at is None


def test_an_endorsed_guideline_cannot_be_deleted(client, author, superuser, guideline, index):
    for user in (author, superuser):
        assert not fresh(guideline).permissions_for_user(user).can_delete()
    client.force_login(author)
    client.post(reverse("wagtailadmin_pages:delete", args=[guideline.pk]))
    assert GuidelinePage.objects.filter(pk=guideline.pk).exists()
    # A draft that was never endorsed may still be thrown away.
    unendorsed = make_draft(index, author, slug="unendorsed")
    assert fresh(unendorsed).permissions_for_user(author).can_delete()


# The executive cannot skip clinical review


def action_url(page, action: str) -> str:
    task_state = fresh(page).current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


@pytest.fixture
def in_review(draft, author) -> GuidelinePage:
    services.submit_for_endorsement(draft, author)
    return draft


@pytest.mark.parametrize("who", ["executive", "superuser", "author"])
def test_only_the_clinical_steering_group_acts_on_clinical_review(request, who, in_review):
    user = request.getfixturevalue(who)
    task = fresh(in_review).current_workflow_task
    assert task.get_actions(fresh(in_review), user) == []
    with pytest.raises(services.GuidelineError):
        services.approve_step(in_review, user)
    with pytest.raises(services.GuidelineError):
        services.request_changes(in_review, user, "No.")
    assert current_step(in_review) == CLINICAL
    assert not fresh(in_review).live


@pytest.mark.parametrize("ajax", [True, False])
@pytest.mark.parametrize("who", ["executive", "superuser"])
def test_admin_workflow_action_refuses_the_executive_at_clinical_review(
    request, client, who, ajax, in_review
):
    client.force_login(request.getfixturevalue(who))
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    response = client.post(action_url(in_review, "approve"), {"comment": ""}, **headers)
    if ajax:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    state = fresh(in_review).current_workflow_task_state
    assert state.status == TaskState.STATUS_IN_PROGRESS
    assert state.task.name == CLINICAL
    assert not fresh(in_review).live


def test_admin_workflow_action_lets_the_clinical_reviewer_approve(
    client, clinical_reviewer, in_review
):
    client.force_login(clinical_reviewer)
    response = client.post(action_url(in_review, "approve"), {"comment": "Sound."})
    assert response.status_code == 302
    assert current_step(in_review) == EXECUTIVE


def test_superuser_outside_the_executive_cannot_endorse(superuser, clinical_reviewer, in_review):
    services.approve_step(in_review, clinical_reviewer)
    with pytest.raises(services.GuidelineError):
        services.approve_step(in_review, superuser)
    assert current_step(in_review) == EXECUTIVE
    assert not fresh(in_review).live


def test_member_of_both_bodies_cannot_approve_both_steps(client, author, draft):
    both = UserFactory(
        full_name="Bo Both",
        organisation=None,
        roles=[roles.CLINICAL_STEERING_GROUP, roles.EXECUTIVE_COMMITTEE],
    )
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, both, "Clinically sound.")
    assert current_step(draft) == EXECUTIVE
    with pytest.raises(services.GuidelineError):
        services.approve_step(fresh(draft), both)
    client.force_login(both)
    response = client.post(
        action_url(draft, "approve"), {"comment": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 403
    assert current_step(draft) == EXECUTIVE
    assert not fresh(draft).live


def test_the_executive_cannot_approve_before_clinical_review(
    author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    with pytest.raises(services.GuidelineError):
        services.approve_step(draft, executive)
    services.approve_step(draft, clinical_reviewer)
    services.approve_step(draft, executive)
    assert fresh(draft).live


def test_a_task_state_of_another_guideline_cannot_be_approved_through_this_one(
    client, index, author, clinical_reviewer
):
    """Wagtail's action URL names a page and a task state; they must belong together."""
    both = UserFactory(
        organisation=None, roles=[roles.CLINICAL_STEERING_GROUP, roles.EXECUTIVE_COMMITTEE]
    )
    own = make_draft(index, author, slug="approved-clinically-by-both")
    services.submit_for_endorsement(own, author)
    services.approve_step(own, both)
    other = make_draft(index, author, slug="reviewed-by-someone-else")
    services.submit_for_endorsement(other, author)
    services.approve_step(other, clinical_reviewer)
    own_state = fresh(own).current_workflow_task_state

    client.force_login(both)
    url = reverse("wagtailadmin_pages:workflow_action", args=[other.pk, "approve", own_state.pk])
    response = client.post(url, {"comment": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    own_state.refresh_from_db()
    assert own_state.status == TaskState.STATUS_IN_PROGRESS
    assert not fresh(own).live
    assert not fresh(other).live


@pytest.mark.parametrize(
    "change",
    [{"approval_status": ApprovalStatus.DECLINED}, {"is_active": False}],
    ids=["declined", "deactivated"],
)
def test_an_executive_who_is_no_longer_a_member_cannot_endorse(
    author, clinical_reviewer, executive, draft, change
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    User.objects.filter(pk=executive.pk).update(**change)
    with pytest.raises(services.GuidelineError):
        services.approve_step(fresh(draft), User.objects.get(pk=executive.pk))
    assert not fresh(draft).live


def remove_clinical_step():
    Task.objects.filter(name=CLINICAL).update(active=False)


def give_clinical_step_to_the_executive():
    step = Task.objects.get(name=CLINICAL).specific
    step.groups.set([Group.objects.get(name=roles.EXECUTIVE_COMMITTEE)])


@pytest.mark.parametrize("tamper", [remove_clinical_step, give_clinical_step_to_the_executive])
def test_a_workflow_edited_to_skip_clinical_review_publishes_nothing(
    author, executive, draft, tamper
):
    tamper()
    second_executive = UserFactory(organisation=None, roles=[roles.EXECUTIVE_COMMITTEE])
    services.submit_for_endorsement(draft, author)
    if fresh(draft).current_workflow_task.name == CLINICAL:
        services.approve_step(draft, second_executive)
    with pytest.raises(PermissionDenied):
        services.approve_step(fresh(draft), executive)
    assert not fresh(draft).live
    assert not EndorsedVersion.objects.exists()


def test_overwriting_a_reviewed_revision_saves_a_new_one(
    author, clinical_reviewer, executive, draft
):
    """Autosave may overwrite a revision; never one a reviewer has acted on."""
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    reviewed = fresh(draft).get_latest_revision()
    page = fresh(draft).get_latest_revision_as_object()
    page.summary = "Changed after clinical review."
    page.save_revision(user=executive, overwrite_revision=reviewed)
    reviewed.refresh_from_db()
    assert reviewed.content["summary"] != "Changed after clinical review."
    assert fresh(draft).get_latest_revision().pk != reviewed.pk
    services.approve_step(fresh(draft), executive)
    assert current_step(draft) == CLINICAL
    assert not fresh(draft).live


# The recorded endorsement


def test_endorsement_publishes_and_records_version_one(author, clinical_reviewer, executive, draft):
    page = endorse(
        edit_draft(draft, author, change_summary="First issue."),
        author,
        clinical_reviewer,
        executive,
        clinical_comment="Doses checked against the BNFc.",
        executive_comment="Endorsed for the region.",
    )
    assert page.live
    version = EndorsedVersion.objects.get()
    assert version.guideline_id == page.pk
    assert version.number == 1
    assert version.endorsing_body == "Executive committee"
    assert version.revision_id == page.live_revision_id
    assert version.revision.content["title"] == page.title
    assert version.title == page.title
    assert version.change_summary == "First issue."
    assert version.review_due == page.review_due == days_from_today(365)
    assert version.workflow_state.status == WorkflowState.STATUS_APPROVED
    approvals = [
        (a.step, a.approved_by_id, a.approver_name, a.comment) for a in version.approvals.all()
    ]
    assert approvals == [
        (CLINICAL, clinical_reviewer.pk, "Cal Clinical", "Doses checked against the BNFc."),
        (EXECUTIVE, executive.pk, "Eve Executive", "Endorsed for the region."),
    ]


def test_clinical_approval_alone_publishes_nothing(author, clinical_reviewer, draft):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    assert not fresh(draft).live
    assert not EndorsedVersion.objects.exists()


def test_second_run_records_version_two(author, clinical_reviewer, executive, guideline):
    page = endorse_new_version(
        guideline,
        author,
        clinical_reviewer,
        executive,
        summary="Now covers transfer by air ambulance.",
        change_summary="Added air transfer.",
        review_due=days_from_today(730),
    )
    assert page.summary == "Now covers transfer by air ambulance."
    versions = list(EndorsedVersion.objects.filter(guideline=page).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_summary == "Added air transfer."
    assert versions[1].review_due == days_from_today(730)
    assert versions[1].revision_id == page.live_revision_id
    assert versions[0].revision_id != versions[1].revision_id
    assert page.current_version.number == 2


def test_approving_an_unchanged_resubmission_is_a_new_version(
    author, clinical_reviewer, executive, guideline
):
    """Endorsing the same text again is still recorded, as a new version."""
    endorse(fresh(guideline), author, clinical_reviewer, executive)
    assert list(EndorsedVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_edit_during_executive_step_goes_back_to_clinical_review(
    author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer, "Sound.")
    edit_draft(draft, executive, summary="Edited during endorsement.")
    services.approve_step(fresh(draft), executive)

    assert not fresh(draft).live
    assert current_step(draft) == CLINICAL
    assert not EndorsedVersion.objects.exists()

    services.approve_step(fresh(draft), clinical_reviewer, "Edit is fine.")
    assert current_step(draft) == EXECUTIVE
    services.approve_step(fresh(draft), executive, "Endorsed.")
    page = fresh(draft)
    assert page.live
    assert page.summary == "Edited during endorsement."
    version = EndorsedVersion.objects.get()
    # The endorsement names who approved the text that was published, once per step.
    approvals = [(a.step, a.approved_by_id, a.comment) for a in version.approvals.all()]
    assert approvals == [
        (CLINICAL, clinical_reviewer.pk, "Edit is fine."),
        (EXECUTIVE, executive.pk, "Endorsed."),
    ]


# Changes requested, and resubmission


def test_resubmitting_after_changes_requested_starts_again_at_clinical_review(
    client, author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    services.request_changes(fresh(draft), executive, "Add the ambulance contacts.")
    assert not fresh(draft).live

    client.force_login(author)
    response = client.post(
        edit_url(draft),
        form_data(summary="With ambulance contacts.", **{"action-submit": "1"}),
    )
    assert response.status_code == 302
    # Clinical review comes first: the changed text goes to the clinicians before the
    # executive committee endorses it.
    assert current_step(draft) == CLINICAL
    with pytest.raises(services.GuidelineError):
        services.approve_step(fresh(draft), executive)
    services.approve_step(fresh(draft), clinical_reviewer, "Contacts checked.")
    assert current_step(draft) == EXECUTIVE
    services.approve_step(fresh(draft), executive, "Endorsed.")
    page = fresh(draft)
    assert page.live
    assert page.summary == "With ambulance contacts."
    version = EndorsedVersion.objects.get()
    assert [(a.step, a.comment) for a in version.approvals.all()] == [
        (CLINICAL, "Contacts checked."),
        (EXECUTIVE, "Endorsed."),
    ]


def test_service_resubmits_after_changes_requested(author, clinical_reviewer, executive, draft):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    services.request_changes(fresh(draft), executive, "Add the ambulance contacts.")
    changed = edit_draft(draft, author, summary="With ambulance contacts.")
    services.submit_for_endorsement(changed, author)
    assert current_step(draft) == CLINICAL
    services.approve_step(fresh(draft), clinical_reviewer)
    services.approve_step(fresh(draft), executive)
    assert fresh(draft).live
    assert EndorsedVersion.objects.get().revision.content["summary"] == "With ambulance contacts."


# E-mails that close Wagtail's gaps (#10196, #7542)


def test_changes_requested_emails_the_clinical_reviewer_with_the_comment(
    deliver, outbox, author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    outbox.clear()
    with deliver():
        services.request_changes(fresh(draft), executive, "Add the ambulance contacts.")
    ours = [m for m in outbox if m.subject.startswith("Changes requested to a guideline")]
    assert [m.to for m in ours] == [[clinical_reviewer.email]]
    assert "Add the ambulance contacts." in ours[0].body
    assert "Eve Executive" in ours[0].body
    assert edit_url(draft) in ours[0].body
    assert all(executive.email not in m.to for m in outbox)


def test_changes_requested_at_clinical_review_emails_no_earlier_reviewer(
    deliver, outbox, author, clinical_reviewer, draft
):
    services.submit_for_endorsement(draft, author)
    outbox.clear()
    with deliver():
        services.request_changes(fresh(draft), clinical_reviewer, "Too long.")
    assert not [m for m in outbox if m.subject.startswith("Changes requested to a guideline")]
    assert all(clinical_reviewer.email not in m.to for m in outbox)


def test_approval_with_comment_emails_the_author(
    deliver, outbox, author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    outbox.clear()
    with deliver():
        services.approve_step(draft, clinical_reviewer, "Check the oxygen section.")
    ours = [m for m in outbox if m.subject == f"{CLINICAL} approved: {draft.title}"]
    assert [m.to for m in ours] == [[author.email]]
    assert "Check the oxygen section." in ours[0].body
    assert "Cal Clinical" in ours[0].body
    assert all(clinical_reviewer.email not in m.to for m in outbox)


def test_final_approval_tells_the_author_where_the_guideline_is(
    deliver, outbox, author, clinical_reviewer, executive, draft
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    outbox.clear()
    with deliver():
        services.approve_step(fresh(draft), executive, "Endorsed for the region.")
    ours = [m for m in outbox if m.subject == f"Endorsed and published: {draft.title}"]
    assert [m.to for m in ours] == [[author.email]]
    assert "Endorsed for the region." in ours[0].body
    assert "http://127.0.0.1:8000/guidelines/rapid-transfer-home/" in ours[0].body
    assert all(executive.email not in m.to for m in outbox)


def test_reviewer_who_submitted_hears_nothing_of_their_own_approval(
    deliver, outbox, index, clinical_reviewer, executive
):
    page = make_draft(index, clinical_reviewer, slug="own-draft")
    services.submit_for_endorsement(page, clinical_reviewer)
    outbox.clear()
    with deliver():
        services.approve_step(page, clinical_reviewer, "Mine.")
    assert all(clinical_reviewer.email not in m.to for m in outbox)


def test_endorsement_approvals_are_kept_per_version(
    author, clinical_reviewer, executive, guideline
):
    endorse_new_version(guideline, author, clinical_reviewer, executive, title="Version two")
    v1, v2 = EndorsedVersion.objects.order_by("number")
    assert v1.approvals.count() == 2
    assert v2.approvals.count() == 2
    assert v2.title == "Version two"
    assert EndorsementApproval.objects.count() == 4
