"""Comments on published content: submitting, moderation, reports (the moderators' digest is in `feedback.alerts`)."""
