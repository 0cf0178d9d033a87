"""Confirmed addresses: who gets updates, after confirming, until unsubscribing."""
