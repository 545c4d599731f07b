-- A digest claim is a lease: its holder posts the day's digest and records
-- its progress; once the lease runs out (the holder died), another process
-- may take the claim over and finish the post from that progress. Claims
-- from before have no lease: they count as run out.
ALTER TABLE digest_claims
    ADD COLUMN holder      text NOT NULL DEFAULT '',
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN progress    bytea;
