"""Objections to moderation decisions ("Widerspruch"): services, the citizen's page, admin.

See `feedback.models.appeals` for the model and its rules.
"""
