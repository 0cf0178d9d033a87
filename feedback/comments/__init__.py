"""Comments on published content: submitting, moderation, reports, the moderators' digest."""
