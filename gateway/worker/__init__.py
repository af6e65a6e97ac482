"""The RabbitMQ worker: app, subscriber, settlement, publishers, batcher, pipeline, outbox, health."""
