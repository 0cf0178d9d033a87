"""The content packs that ship with the site, one directory each: data only, no code.

The format and the loader: `strategy.packs`.
"""
