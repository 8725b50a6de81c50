-- PostgreSQL: what may never be changed or deleted.
CREATE FUNCTION ibis_refuse_change() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER budget_decisions_no_change BEFORE UPDATE OR DELETE ON budget_decisions
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
CREATE TRIGGER plan_versions_no_change BEFORE UPDATE OR DELETE ON plan_versions
FOR EACH ROW EXECUTE FUNCTION ibis_refuse_change();
