"""Block Kit views the bot opens or publishes: the log modal and the App Home tab."""
