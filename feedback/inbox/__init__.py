"""The inbox: contact-form messages and e-mail as conversations that staff answer.

`services` holds the writes (the form, reference numbers, status, assignment, answers),
`ingest` stores inbound mail, `parse` reads raw mail into plain values, `imap` polls the
mailbox, `admin` is the staff's side.
"""
