-- PostgreSQL: what may never be changed or deleted.
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
CREATE TRIGGER claims_no_change BEFORE UPDATE OR DELETE ON claims
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
