def test_setting_roles_leaves_other_groups_alone(db):
    from django.contrib.auth.models import Group

    from members import roles, services
    from members.tests.factories import UserFactory

    member = UserFactory(roles=[roles.FACILITATORS])
    practice = Group.objects.create(name="Transition community of practice")
    member.groups.add(practice)

    services.set_roles(member, [roles.MODERATORS])

    assert set(member.groups.values_list("name", flat=True)) == {
        roles.MODERATORS,
        "Transition community of practice",
    }
