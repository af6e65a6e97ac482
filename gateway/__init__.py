"""The outer layer in wings: codec, processing, worker, web and cli (docs/architecture.md)."""
