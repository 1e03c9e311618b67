"""Log in by e-mail address, case-insensitively."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the e-mail, matched without regard to case.

    Pending and declined members can authenticate (so the login form can tell
    them why they may not come in); `members.forms.LoginForm` refuses them.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=username or email, password=password)
