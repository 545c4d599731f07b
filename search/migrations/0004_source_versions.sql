-- Source versions: an outlet's update of an article is stored as a new
-- version of the same source, and the earlier version is kept as a row of
-- its own (id "<source id>~v<version>") so that its sentences stay
-- answerable and each process's index follows it by change sequence.
-- current_id names the source a superseded version belongs to ('' for a
-- source itself): such rows are never listed, counted or looked up by
-- text or link.
ALTER TABLE sources ADD COLUMN current_id text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX sources_versions ON sources (current_id) WHERE current_id <> '';
