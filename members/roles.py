"""The network's roles. Each is a Django group created by a data migration."""

from django.utils.translation import gettext_lazy as _

COORDINATORS = "Coordinators"
FACILITATORS = "Facilitators"
MODERATORS = "Moderators"
EXECUTIVE_COMMITTEE = "Executive committee"
CLINICAL_STEERING_GROUP = "Clinical steering group"
EDUCATION_STEERING_GROUP = "Education steering group"

ALL_ROLES = (
    COORDINATORS,
    FACILITATORS,
    MODERATORS,
    EXECUTIVE_COMMITTEE,
    CLINICAL_STEERING_GROUP,
    EDUCATION_STEERING_GROUP,
)

ROLE_DESCRIPTIONS = {
    COORDINATORS: _("Run the network: approve members, run events, publish guidelines."),
    FACILITATORS: _("Hub specialists who run live ECHO sessions."),
    MODERATORS: _("Look after the forums."),
    EXECUTIVE_COMMITTEE: _("Endorses guidelines and governs the network."),
    CLINICAL_STEERING_GROUP: _("Reviews guidelines clinically before endorsement."),
    EDUCATION_STEERING_GROUP: _("Oversees learning tracks and study days."),
}
