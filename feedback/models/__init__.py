"""The feedback app's models, one module per sub-domain, all importable from here.

Django takes the app label from the package, so the tables and migrations stay those of
`feedback`. `_new_token` and `attachment_path` are here because migration 0001 names them
as `feedback.models.<name>`.
"""

from feedback.models.accounts import AccountConsent
from feedback.models.alerts import (
    Alert,
    AlertDelivery,
    AlertKind,
    AlertPreference,
    AlertQuerySet,
    OverdueSummarySent,
)
from feedback.models.appeals import (
    APPEAL_DAYS,
    APPEAL_MAX_LENGTH,
    APPEAL_PERIOD,
    Appeal,
    AppealQuerySet,
    AppealStatus,
)
from feedback.models.cases import (
    AnswerTargetUnit,
    Case,
    CaseChannel,
    CaseOutcome,
    CaseQuerySet,
    CaseStatus,
)
from feedback.models.comments import (
    APPEALABLE_STEPS,
    Comment,
    CommentQuerySet,
    CommentReport,
    CommentReportQuerySet,
    CommentStatus,
    ModerationAction,
    ModerationStep,
    RejectionReason,
    ReportReason,
    commentable_models,
)
from feedback.models.inbox import (
    AnswerTemplate,
    Attachment,
    Channel,
    Conversation,
    ConversationQuerySet,
    ConversationStatus,
    Direction,
    Message,
    ReferenceCounter,
    Topic,
    TopicQuerySet,
    attachment_path,
)
from feedback.models.measure_links import MeasureLink, MeasureLinkQuerySet
from feedback.models.privacy import PrivacyRequest, PrivacyRequestKind
from feedback.models.subscriptions import (
    ConfirmedAddress,
    ConfirmedAddressQuerySet,
    UnrequestedMail,
    _new_token,
)
from feedback.models.transparency import TransparencySnapshot

__all__ = [
    "APPEALABLE_STEPS",
    "APPEAL_DAYS",
    "APPEAL_MAX_LENGTH",
    "APPEAL_PERIOD",
    "AccountConsent",
    "Alert",
    "AlertDelivery",
    "AlertKind",
    "AlertPreference",
    "AlertQuerySet",
    "AnswerTargetUnit",
    "AnswerTemplate",
    "Appeal",
    "AppealQuerySet",
    "AppealStatus",
    "Attachment",
    "Case",
    "CaseChannel",
    "CaseOutcome",
    "CaseQuerySet",
    "CaseStatus",
    "Channel",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "CommentReportQuerySet",
    "CommentStatus",
    "ConfirmedAddress",
    "ConfirmedAddressQuerySet",
    "Conversation",
    "ConversationQuerySet",
    "ConversationStatus",
    "Direction",
    "MeasureLink",
    "MeasureLinkQuerySet",
    "Message",
    "ModerationAction",
    "ModerationStep",
    "OverdueSummarySent",
    "PrivacyRequest",
    "PrivacyRequestKind",
    "ReferenceCounter",
    "RejectionReason",
    "ReportReason",
    "Topic",
    "TopicQuerySet",
    "TransparencySnapshot",
    "UnrequestedMail",
    "_new_token",
    "attachment_path",
    "commentable_models",
]
