"""Staff are told: the moderators' digest of comments and reports, and inbox alerts (new
messages to a topic's responsible staff, assignments, reopened conversations) sent at once,
batched or once a day as each person chose, plus the morning summary of overdue cases.

`digest` is the one batching mechanism for all of it; `services` records what is news for
whom; `selectors` answers who is responsible; `overdue` writes the morning summary.
"""
