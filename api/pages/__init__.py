"""Small HTML pages the mailed links open: e-mail verification and password reset."""
