-- Ticket types and orders priced in USDT (a TEP-74 jetton, micro-USDT) and Telegram Stars (XTR, whole Stars)
-- beside TON (nanotons): amounts stay integers in the currency's smallest unit. Fixed-amount promo codes now say
-- which currency their amount is in. Keep in step with sqlite/core/0009_currencies.sql.
ALTER TABLE ticket_types DROP CONSTRAINT ticket_types_currency_check,
    ADD CONSTRAINT ticket_types_currency_check CHECK (currency IN ('TON', 'USDT', 'XTR'));
ALTER TABLE orders DROP CONSTRAINT orders_currency_check,
    ADD CONSTRAINT orders_currency_check CHECK (currency IN ('TON', 'USDT', 'XTR'));
COMMENT ON COLUMN ticket_types.price IS 'in the smallest unit of currency: nanotons, micro-USDT or Stars';
COMMENT ON COLUMN orders.total_price IS 'in the smallest unit of currency: nanotons, micro-USDT or Stars';

ALTER TABLE promo_codes ADD COLUMN currency TEXT CHECK (currency IS NULL OR currency IN ('TON', 'USDT', 'XTR'));
UPDATE promo_codes SET currency = 'TON' WHERE discount_amount IS NOT NULL;
