"""Forms for the forums. They parse input; the rules live in `services` and `permissions`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from schedule.models import Occurrence

from guidelines.models import GuidelinePage

from . import services
from .models import Category, EmailMode, ModerationAction

BODY_HELP = _(
    "You can use Markdown: **bold**, *italic*, lists, > quotes, `code`, tables, "
    "### headings and links. Type @ and someone's handle to mention them. "
    "Keep any case de-identified: no names, NHS or hospital numbers, dates of birth, "
    "postcodes, phone numbers or e-mail addresses."
)
BODY_ROWS = 8
QUOTE_EXCERPT = 600


def _body_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Your post"),
        max_length=services.BODY_MAX,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": BODY_ROWS}),
        error_messages={"required": _("Write something before posting.")},
    )


def _reason_field(label=None, help_text=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        max_length=services.REASON_MAX,
        help_text=help_text or _("Kept in the moderation log."),
        error_messages={"required": _("Give a reason.")},
    )


def parse_id(value) -> int | None:
    """A positive whole number from a query or form value, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def attachable_occurrence(value) -> Occurrence | None:
    """The event occurrence a new thread is about, or None if there is no such occurrence."""
    pk = parse_id(value)
    return Occurrence.objects.filter(pk=pk).first() if pk else None


def attachable_guideline(value) -> GuidelinePage | None:
    """The guideline a new thread is about, if it is published for members to read."""
    pk = parse_id(value)
    return GuidelinePage.objects.live().public().filter(pk=pk).first() if pk else None


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        min_length=services.TITLE_MIN,
        max_length=services.TITLE_MAX,
        help_text=_("Say what the thread is about, in a few words."),
        error_messages={"required": _("Give the thread a title.")},
    )
    body = _body_field()
    is_question = forms.BooleanField(
        label=_("This is a question"),
        required=False,
        help_text=_("You can then mark the reply that answered it."),
    )
    # Set by "Start a discussion" links; anything that does not match is ignored.
    occurrence = forms.CharField(required=False, widget=forms.HiddenInput)
    guideline = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_occurrence(self) -> Occurrence | None:
        return attachable_occurrence(self.cleaned_data.get("occurrence"))

    def clean_guideline(self) -> GuidelinePage | None:
        return attachable_guideline(self.cleaned_data.get("guideline"))


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    quote_of = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class PostEditForm(forms.Form):
    body = _body_field()


class ReportForm(forms.Form):
    reason = _reason_field(
        _("Why are you reporting this post?"),
        _(
            "For example: it could identify a child or family, it is offensive, or it is "
            "advertising. Only moderators see this."
        ),
    )


class PostModerationForm(forms.Form):
    """Hide, restore or dismiss the reports on a post; the choices depend on its state."""

    ACTIONS = {
        "hide": _("Hide the post"),
        "restore": _("Restore the post"),
        "dismiss": _("Dismiss the reports and leave the post as it is"),
    }
    action = forms.ChoiceField(label=_("What do you want to do?"), widget=forms.RadioSelect)
    reason = _reason_field()
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, self.ACTIONS[action]) for action in actions]
        if len(actions) == 1:
            self.fields["action"].initial = actions[0]


class ThreadModerationForm(forms.Form):
    action = forms.ChoiceField(label=_("What do you want to do?"), widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Only if you are moving the thread. Followers who cannot see it lose it."),
    )
    reason = _reason_field()

    def __init__(self, *args, thread, categories, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = ModerationAction.Kind
        self.fields["action"].choices = [
            (kinds.UNLOCK, _("Unlock it")) if thread.is_locked else (kinds.LOCK, _("Lock it")),
            (kinds.UNPIN, _("Unpin it")) if thread.is_pinned else (kinds.PIN, _("Pin it")),
            (kinds.MOVE, _("Move it to another category")),
        ]
        self.fields["category"].queryset = categories.exclude(pk=thread.category_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == ModerationAction.Kind.MOVE and not cleaned.get("category"):
            self.add_error("category", _("Choose the category to move the thread to."))
        return cleaned


class EmailSettingsForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("E-mail me about notifications"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often to be e-mailed.")},
    )
