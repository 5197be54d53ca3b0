"""Test support for bscbot: a fake Slack Web API, Slack request signing and a
throwaway PostgreSQL server.

These helpers live in their own package so that the project's ``conftest.py``
only has to say ``pytest_plugins = ["tests.support.plugin"]``, and so that the
suite exercises the bot through real HTTP and a real database rather than
through mocks of the libraries it depends on.
"""
