"""Share links: a recording opened without signing in, until the link expires or is deleted."""
