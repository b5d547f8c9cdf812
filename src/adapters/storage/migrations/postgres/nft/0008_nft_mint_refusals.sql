-- Paid NFT tickets whose item the NFT manager refused to request (NftManager::RequestTicketMint answered an
-- error: e.g. a metadata URL too long for a cell). The fulfilment consumer records the refusal here and acks the
-- order.paid message without the mint (the buyer's notification is not held back); the nft worker's Sweep asks
-- again on each pass (refused tickets after the others), records its own refusals here too, and deletes the row
-- once the item is requested. For admins: which tickets have no NFT yet, and why. Keep in step with
-- sqlite/nft/0008_nft_mint_refusals.sql.
CREATE TABLE nft_mint_refusals (
    ticket_id   BIGINT PRIMARY KEY,  -- core.tickets.ticket_id
    order_uuid  TEXT NOT NULL,      -- core.orders.uuid
    source      TEXT NOT NULL CHECK (source IN ('fulfilment', 'sweep')),  -- who was refused last
    code        TEXT NOT NULL,      -- the refusal's error code
    last_error  TEXT NOT NULL,
    attempts    BIGINT NOT NULL CHECK (attempts > 0),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
