"""Cases: the one thing a citizen's contact-form message, e-mail or comment opens, with its
page, deadline and outcome (`feedback.models.cases` says how)."""
