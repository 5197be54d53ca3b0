"""Load and fault tests: the real ``bscbot serve`` under concurrency, crashes and outages."""
