"""Caching machinery both apps use: shared pages (`pagecache`), the version tokens that turn
them stale (`versions`) and the CSRF tokens filled into them (`csrf`).

The one part of the project package that `strategy` and `feedback` may import (the import
contracts in pyproject.toml): everything else of `verl_digital` wires the apps together and
may import them, never the other way round.
"""
