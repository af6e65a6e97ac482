"""The outer layer: XML codec, settings, CLI, RabbitMQ worker, health and web."""
