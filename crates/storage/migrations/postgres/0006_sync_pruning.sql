-- Pruning delivered sync rows past the retention finds them by delivery time.
CREATE INDEX sync_outbox_delivered ON sync_outbox (connector, delivered_at) WHERE status = 'delivered';
