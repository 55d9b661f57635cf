"""Sending messages: the ``MAIL_URL`` setting and the channels (e-mail; SMS or WeCom as one module)."""
