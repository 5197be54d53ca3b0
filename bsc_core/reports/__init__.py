"""Reports: the one-minute huddle and the monthly review, as data, text, blocks and charts.

Layers, each usable alone: ``huddle``/``review`` read the store into dataclasses, ``render``
turns them into Slack blocks and Markdown through the jinja2 templates beside it, ``charts``
draws the review's images, and ``prepare`` strings them together for the bot, the command
line and the demo. Nothing here talks to Slack.
"""
