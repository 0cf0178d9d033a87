"""Personal data: what the site keeps about an e-mail address, its export and its erasure
(DSGVO Art. 15, 17 and 20), and the retention periods `manage.py purge_personal_data` enforces.

These are services like the others (keyword-only, atomic, logged), kept in a package of
their own because they reach across every model that holds personal data:

- comments (name, address, account, text, the text before a moderator's correction),
- appeals against moderation decisions (the author's text; they hang on the comment),
- readers' reports (a free-text note, the reporting account: exported with the account,
  unlinked when it is deleted), confirmed addresses,
- conversations from the contact form and e-mail, their messages and attachments,
- accounts (django-allauth: user, e-mail addresses, the consent given at sign-up),
- mails waiting in or sent by the task queue (django-tasks-db keeps their arguments),
- the admin's change log (`object_repr` repeats an object's name),
- sessions of signed-in users.

Staff's own alert records (`Alert`, `AlertPreference`, `OverdueSummarySent`) name a staff
account and a conversation, nothing a citizen wrote: they go with the account or the
conversation (cascade), mailed alerts after 30 days and summary records after 90.

No IP address is stored anywhere, so there is none to export or erase.

`lookup` finds what is stored about an address and logs each request (`PrivacyRequest`),
`export` builds the JSON of Art. 15/20, `erasure` deletes and anonymizes (Art. 17) and runs
the retention purge; `admin` is the page where staff carry out a request.
"""
