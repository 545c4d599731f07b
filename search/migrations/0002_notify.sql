-- Every committed change to the sources wakes the processes that follow
-- them (LISTEN sitrep_changes); they catch up by change sequence, so the
-- notification carries nothing, and PostgreSQL folds a transaction's
-- duplicates into one.
CREATE FUNCTION sitrep_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sitrep_changes', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER sources_changed AFTER INSERT OR UPDATE OR DELETE ON sources
    FOR EACH STATEMENT EXECUTE FUNCTION sitrep_notify_changes();
CREATE TRIGGER source_removals_changed AFTER INSERT OR UPDATE ON source_removals
    FOR EACH STATEMENT EXECUTE FUNCTION sitrep_notify_changes();
