"""Declarative description of the iWmo/iJw 3.2 datatypes and message structures."""
