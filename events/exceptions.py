from django.core.exceptions import ValidationError


class EventsError(ValidationError):
    """A request the events services refuse, with a message for the member."""


class RegistrationError(EventsError):
    pass


class CaseError(EventsError):
    pass
