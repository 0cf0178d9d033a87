"""Site-wide account concerns: allauth wired into the site (`adapters`, `forms`), second
factors' secrets encrypted at rest (`secretbox`), what staff's second factor guards and the
enrolment link for their first one (`second_factor`, pages in `views`), the staff roles
(`roles`) and the writes on staff accounts (`services`).

Staff sign in through allauth like everybody else: the admin's login is wrapped in allauth's
`secure_admin_login` (verl_digital.urls), so its rate limits, lockout and second factor apply.
The second-factor rule for the admin, previews and enrolment is applied by
`verl_digital.middleware.StaffMFARequiredMiddleware`.

The project package may import the apps (it wires them); the apps never import this.
"""
