"""Accounts, sign-in, sessions and the administrator's user management."""
