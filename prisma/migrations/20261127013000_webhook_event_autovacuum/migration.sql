-- WebhookEvent is a queue: vacuumed after every 5,000 dead row versions (see schema.prisma).
ALTER TABLE "WebhookEvent" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
