"""The network's ready-made surveys, and coordinators' right to keep surveys in the CMS."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_survey", "change_survey", "delete_survey", "view_survey"]

FEEDBACK = [
    ("The session was useful to me.", "likert5", [], True, 2),
    ("The session was relevant to my role.", "likert5", [], True, 2),
    ("I would recommend these sessions to a colleague.", "likert5", [], True, 2),
    ("What will you do differently after this session?", "text", [], False, 3),
]
CONFIDENCE = [
    ("How confident are you in this topic?", "confidence", [], True, 4),
]
FOLLOW_UP = [
    (
        "Have you changed your practice because of this programme?",
        "single",
        ["Yes, a lot", "Yes, a little", "Not yet, but I plan to", "No"],
        True,
        5,
    ),
    (
        "What has changed?",
        "multiple",
        [
            "How I assess symptoms",
            "How I talk with families",
            "How I work with other services",
            "How I plan ahead (advance care planning)",
            "How I look after myself and colleagues",
        ],
        False,
        5,
    ),
    ("Tell us about one change, without naming anyone.", "text", [], False, 5),
]

SURVEYS = [
    ("ECHO session feedback", "session_feedback", 21, FEEDBACK, False, False),
    ("Study-day feedback", "study_day_feedback", 21, FEEDBACK, False, False),
    ("Before the series: your confidence", "pre_confidence", 0, CONFIDENCE, True, False),
    ("After the series: your confidence", "post_confidence", 42, CONFIDENCE, True, True),
    ("Three months on: your practice", "follow_up", 42, FOLLOW_UP, False, False),
]


def create(apps, schema_editor):
    Survey = apps.get_model("evaluation", "Survey")
    Question = apps.get_model("evaluation", "Question")
    for title, kind, days, questions, per_topic, then_test in SURVEYS:
        if Survey.objects.filter(kind=kind, programme__isnull=True).exists():
            continue
        survey = Survey.objects.create(title=title, kind=kind, open_days=days or 21)
        for position, (text, question_kind, choices, required, level) in enumerate(questions):
            Question.objects.create(
                survey=survey,
                sort_order=position,
                text=text,
                kind=question_kind,
                choices=choices,
                required=required,
                moore_level=level,
                per_topic=per_topic and question_kind == "confidence",
                then_test=then_test and question_kind == "confidence",
            )
    config = apps.get_app_config("evaluation")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coordinators = Group.objects.filter(name="Coordinators").first()
    if coordinators is not None:
        coordinators.permissions.add(
            *Permission.objects.filter(content_type__app_label="evaluation", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial"), ("members", "0002_roles")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
