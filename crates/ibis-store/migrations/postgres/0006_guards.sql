-- PostgreSQL: drafts and adoptions are never changed or deleted (ibis_refuse_change is
-- defined in 0002).
CREATE TRIGGER policy_drafts_no_change BEFORE UPDATE OR DELETE ON policy_drafts
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
CREATE TRIGGER policy_adoptions_no_change BEFORE UPDATE OR DELETE ON policy_adoptions
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
