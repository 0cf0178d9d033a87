"""Site-wide account concerns: allauth wired into the site (`adapters`, `forms`), second
factors' secrets encrypted at rest (`secretbox`), the staff roles (`roles`) and the writes on
staff accounts (`services`). The staff-MFA rule for the admin is `verl_digital.middleware`.

The project package may import the apps (it wires them); the apps never import this.
"""
