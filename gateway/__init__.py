"""The outer layer in wings: codec (XML), processing, worker (RabbitMQ), web, cli; see docs/architecture.md."""
