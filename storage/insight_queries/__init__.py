"""Read queries behind the insight pages, the JSON API and `istd report` (one function per figure)."""
