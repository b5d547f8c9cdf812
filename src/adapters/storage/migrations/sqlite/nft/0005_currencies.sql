-- Payments and refunds in TON, USDT (jetton transfers to the platform's jetton wallet) and Telegram Stars: each
-- row says which currency its amounts (value, refund_due, amount) count in the smallest unit of. A payment is
-- applied only to an order of its own currency. Keep in step with postgres/nft/0005_currencies.sql.
ALTER TABLE transactions ADD COLUMN currency TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON', 'USDT', 'XTR'));
ALTER TABLE refunds ADD COLUMN currency TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON', 'USDT', 'XTR'));
