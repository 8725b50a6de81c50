-- SQLite: drafts and adoptions are never changed or deleted.
CREATE TRIGGER policy_drafts_no_update BEFORE UPDATE ON policy_drafts
BEGIN SELECT RAISE(ABORT, 'policy drafts are kept as they were; save a new draft'); END;
CREATE TRIGGER policy_drafts_no_delete BEFORE DELETE ON policy_drafts
BEGIN SELECT RAISE(ABORT, 'policy drafts are never deleted'); END;
CREATE TRIGGER policy_adoptions_no_update BEFORE UPDATE ON policy_adoptions
BEGIN SELECT RAISE(ABORT, 'adoptions are never changed; adopt a new draft from a later day'); END;
CREATE TRIGGER policy_adoptions_no_delete BEFORE DELETE ON policy_adoptions
BEGIN SELECT RAISE(ABORT, 'adoptions are never deleted'); END;
