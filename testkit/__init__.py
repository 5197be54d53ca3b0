"""What the test suite and the benchmark share: Slack played over HTTP, and the bot's processes.

- :mod:`testkit.fake_slack`: a real HTTP server on 127.0.0.1 playing Slack's Web API (every
  WebClient honours ``SLACK_API_URL``), with response_urls, uploads and fault injection.
- :mod:`testkit.signing`: requests signed as Slack signs them, and a client that sends them.
- :mod:`testkit.postgres`: a disposable PostgreSQL server the suite or the bench starts itself.
- :mod:`testkit.server_harness`: ``bscbot serve``, ``clock`` and ``worker`` as real processes.
- :mod:`testkit.load_client`: many simulated people sending signed commands at once.

Not part of the installed package: the suite and ``python -m bench…`` import it from the
repository's root.
"""
