"""The wijkteam's web pages and JSON API over the register (`istd web`)."""
