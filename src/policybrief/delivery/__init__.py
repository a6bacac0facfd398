"""Delivery: each audience's brief as an email. Sees only a `Brief`, its files' bytes and plain settings.

addresses.py  strict address parsing and header-injection checks
templating.py sandboxed Jinja2 (the only jinja2 user): subjects and bodies
message.py    the RFC 5322 message (.eml draft or what is sent), deterministic
smtp.py       SMTP session, STARTTLS/TLS, per-recipient results, retries
"""
