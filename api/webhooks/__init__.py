"""Webhooks: a user's URLs that receive their notifications' events, signed, with a delivery log."""
