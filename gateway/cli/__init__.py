"""The `istd` command line: one module per command, each with `register(subparsers)`."""
