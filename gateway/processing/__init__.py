"""One message or a batch: validation, sender checks, dispatch to handlers, replies. No broker, no web."""
