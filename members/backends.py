"""Log in by e-mail address, case-insensitively; the signed-in member read with what most
pages show of them, and their permissions in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the e-mail, matched without regard to case.

    Pending and declined members can authenticate (so the login form can tell
    them why they may not come in); `members.forms.LoginForm` refuses them.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=username or email, password=password)

    def get_user(self, user_id):
        """As `ModelBackend`'s, reading with the member their organisation and their
        Wagtail profile, which the header, the panels and the editors' bar each ask for."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "organisation", "wagtail_userprofile"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The member's own permissions and their groups', as `ModelBackend` gives them,
        read in one query rather than two (the editors' bar asks on every page)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            rows = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .order_by()
                .distinct()
            )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
