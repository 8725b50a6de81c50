-- Payment modes: a direct payment to the person is reimbursed against a receipt; a run pays
-- the provider, the person or a third-party administrator (both engines).
ALTER TABLE claims ADD COLUMN receipt TEXT;
ALTER TABLE run_items ADD COLUMN payee_mode TEXT NOT NULL DEFAULT 'provider';
ALTER TABLE run_items ADD COLUMN payee_name TEXT;
ALTER TABLE run_items ADD COLUMN payee_iban TEXT;
