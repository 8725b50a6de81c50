-- SQLite: what may never be changed or deleted.
CREATE TRIGGER budget_decisions_no_update BEFORE UPDATE ON budget_decisions
BEGIN SELECT RAISE(ABORT, 'budget decisions are never changed; decide anew'); END;
CREATE TRIGGER budget_decisions_no_delete BEFORE DELETE ON budget_decisions
BEGIN SELECT RAISE(ABORT, 'budget decisions are never deleted'); END;
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are kept as they were'); END;
