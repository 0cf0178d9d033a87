"""Ihr Feedback – unsere Maßnahmen: comments and conversations staff link to measures."""
