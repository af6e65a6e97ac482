"""XSDs of iWmo/iJw 3.2 and the registry that serves them."""

from schemas.registry import (
    MessageType,
    UnsupportedNamespace,
    by_name,
    by_namespace,
    by_number,
    message_types,
    schema,
    supported_releases,
    xsd_versions,
)

__all__ = [
    "MessageType",
    "UnsupportedNamespace",
    "by_name",
    "by_namespace",
    "by_number",
    "message_types",
    "schema",
    "supported_releases",
    "xsd_versions",
]
