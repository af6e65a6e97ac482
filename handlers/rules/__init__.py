"""The rules of the standard, one small function per official rule code."""
