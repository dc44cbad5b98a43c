"""The transactional outbox: outbound calls written with the change that needs them, delivered
later by a worker with retries, so a victim's conversation never waits on another system."""
