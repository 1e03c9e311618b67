from django.core.exceptions import ValidationError


class EventsError(ValidationError):
    """A request the events services refuse, with a message for the member."""


class RegistrationError(EventsError):
    pass


class CaseError(EventsError):
    pass


class IdentifiableTextError(CaseError):
    """Case text that contains identifiers; carries the findings per field."""

    def __init__(self, findings: dict[str, list]) -> None:
        self.findings = findings
        messages = {
            field: [f"{finding.message} “{finding.text}”" for finding in items]
            for field, items in findings.items()
        }
        super().__init__(messages)
