"""Early warnings: alert records, CAP 1.2, rules, subscriptions, delivery outbox, escalation."""
