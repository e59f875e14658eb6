-- A version-2 SQLite ledger as podgate d45ff75 (the last release before schema version 3) wrote
-- it: `podgate admit` of two attach+detach pairs, then the same four again (four `duplicate`
-- verdicts), dumped with `sqlite3 LEDGER .dump`; the two pragmas at the end are the header
-- fields a dump leaves out. The table definitions are the exact text that build stored in
-- sqlite_schema: SqliteLedgerTest.ShippedVersionTwoLedgerIsEditedInPlace checks that version 3
-- recognises them, so that a real ledger takes the edit in place and not the copy.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL CHECK (type IN ('attached', 'detached', 'recovered', 'evicted')),
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  client_instance TEXT NOT NULL,
  related_client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  at_s INTEGER NOT NULL,
  at_ns INTEGER NOT NULL,
  recorded_s INTEGER NOT NULL,
  recorded_ns INTEGER NOT NULL,
  json TEXT NOT NULL
);
INSERT INTO events VALUES(1,'attached','client-instance-attachment','attach:00000000','','','client:00000000','','participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6',1774726920,0,1774731600,0,'{"schema/v":1,"attachment/id":"attach:00000000","attached-at":"2026-03-28T19:42:00Z","profile/type":"pod-client","serving-node/id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","client-instance/id":"client:00000000","session/state":"attached","export/capable?":true,"migration/allowed?":true,"participant-bind":{"schema/v":1,"bind/id":"pb:00000000","bound-at":"2026-03-28T19:20:00Z","participant/id":"participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6","via/node-id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","session/id":"sess:00000000","participant/key/alg":"ed25519","participant/key/public":"z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6","proof/participant-signature":{"alg":"ed25519","value":"RBEXkGLVxJKnsK-b_Es5_VjbKyTs8_gx9rJ-z2X6p4bPVUELMSYIdl702HWe9owvNwhv4F5Z2M8fKI0lHdYeAw"}}}');
INSERT INTO events VALUES(2,'detached','client-instance-detachment','detach:00000000','attach:00000000','user-request','client:00000000','','participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6',1774728300,0,1774731600,0,'{"schema/v":1,"detachment/id":"detach:00000000","detached-at":"2026-03-28T20:05:00Z","attachment/id":"attach:00000000","serving-node/id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","client-instance/id":"client:00000000","detach/reason":"user-request","participant-bind":{"schema/v":1,"bind/id":"pb:00000000","bound-at":"2026-03-28T19:20:00Z","participant/id":"participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6","via/node-id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","session/id":"sess:00000000","participant/key/alg":"ed25519","participant/key/public":"z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6","proof/participant-signature":{"alg":"ed25519","value":"RBEXkGLVxJKnsK-b_Es5_VjbKyTs8_gx9rJ-z2X6p4bPVUELMSYIdl702HWe9owvNwhv4F5Z2M8fKI0lHdYeAw"}},"proof/node-attestation":{"alg":"ed25519","value":"rMYpzwrEYE22AaRncVqMbOso-OA5JUP4fMwekyyx5Hy4rXyQ_54YOkpTr7XnyrtQ1UShpmchhgubTquoGG3PCg"}}');
INSERT INTO events VALUES(3,'attached','client-instance-attachment','attach:00000001','','','client:00000001','','participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws',1774726920,0,1774731600,0,'{"schema/v":1,"attachment/id":"attach:00000001","attached-at":"2026-03-28T19:42:00Z","profile/type":"pod-client","serving-node/id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","client-instance/id":"client:00000001","session/state":"attached","export/capable?":true,"migration/allowed?":true,"participant-bind":{"schema/v":1,"bind/id":"pb:00000001","bound-at":"2026-03-28T19:20:00Z","participant/id":"participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws","via/node-id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","session/id":"sess:00000001","participant/key/alg":"ed25519","participant/key/public":"z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws","proof/participant-signature":{"alg":"ed25519","value":"yiz80OjR0pNhK-6gT5KeHMT0Z41ZZSDol77jl9cNT17wqROW-FFRrh65AYM4VOTDB2hMCuY7L_7Mtjvg_jQTAw"}}}');
INSERT INTO events VALUES(4,'detached','client-instance-detachment','detach:00000001','attach:00000001','user-request','client:00000001','','participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws',1774728300,0,1774731600,0,'{"schema/v":1,"detachment/id":"detach:00000001","detached-at":"2026-03-28T20:05:00Z","attachment/id":"attach:00000001","serving-node/id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","client-instance/id":"client:00000001","detach/reason":"user-request","participant-bind":{"schema/v":1,"bind/id":"pb:00000001","bound-at":"2026-03-28T19:20:00Z","participant/id":"participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws","via/node-id":"node:did:key:z6MkfXLdiVV2ZeRaSi4hKyZXXMQivbtiXWG4dBXo26icJP1D","session/id":"sess:00000001","participant/key/alg":"ed25519","participant/key/public":"z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws","proof/participant-signature":{"alg":"ed25519","value":"yiz80OjR0pNhK-6gT5KeHMT0Z41ZZSDol77jl9cNT17wqROW-FFRrh65AYM4VOTDB2hMCuY7L_7Mtjvg_jQTAw"}},"proof/node-attestation":{"alg":"ed25519","value":"S-b2nvKU01O1SRlGUX0fSDUyi4fW8bYlHoSTkJg9tKZ01I8B22IoXyXvNUcCNSazFM38xwc9BsZJ-5ghyCzTBA"}}');
CREATE TABLE attachments(
  id TEXT PRIMARY KEY,
  client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  bind_id TEXT NOT NULL,
  attached_s INTEGER NOT NULL,
  attached_ns INTEGER NOT NULL,
  bound_s INTEGER NOT NULL,
  bound_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL,  -- the admitting event (events.seq)
  detached_by TEXT      -- set once; detachments.attachment_id UNIQUE backs "at most once"
);
INSERT INTO attachments VALUES('attach:00000000','client:00000000','participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6','pb:00000000',1774726920,0,1774725600,0,X'c596b50e0207f4201bffe8a730336de873c876458baf52c297c693c13659f9dc',1,'detach:00000000');
INSERT INTO attachments VALUES('attach:00000001','client:00000001','participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws','pb:00000001',1774726920,0,1774725600,0,X'96fc3f94433f622c340da45ab45371565cdf4e67c2dcdfcf2f656a45ca023d57',3,'detach:00000001');
CREATE TABLE detachments(
  id TEXT PRIMARY KEY,
  attachment_id TEXT NOT NULL UNIQUE,
  client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  reason TEXT NOT NULL,
  detached_s INTEGER NOT NULL,
  detached_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL,
  recovered_by TEXT  -- set once; recoveries.detachment_id UNIQUE backs "at most once"
);
INSERT INTO detachments VALUES('detach:00000000','attach:00000000','client:00000000','participant:did:key:z6MkuFqupSQdLmj8XJ6kGczmtnjUADJNmRrDZSvbpxCW3dz6','user-request',1774728300,0,X'997ce2937b30c9d75f8e83288aeda804b9dc9322f5a4fb98f678fa97d12ac257',2,NULL);
INSERT INTO detachments VALUES('detach:00000001','attach:00000001','client:00000001','participant:did:key:z6Mkr9jwBY7sFS8EE2YR43agWMHaDreVvujBpKJbbeM4Efws','user-request',1774728300,0,X'4c79cbf57e81b2663b87ccb7c3e84dfa6f9b7542db315602092ee5e13653d575',4,NULL);
CREATE TABLE recoveries(
  id TEXT PRIMARY KEY,
  detachment_id TEXT NOT NULL UNIQUE,
  client_instance TEXT NOT NULL,
  from_client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  mode TEXT NOT NULL,
  recovered_s INTEGER NOT NULL,
  recovered_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL
);
CREATE TABLE admissions(
  seq INTEGER PRIMARY KEY,  -- events.seq of the admitted fact
  rights TEXT NOT NULL,
  decided_s INTEGER NOT NULL,
  decided_ns INTEGER NOT NULL
);
INSERT INTO admissions VALUES(1,'participant',1774731600,0);
INSERT INTO admissions VALUES(2,'participant',1774731600,0);
INSERT INTO admissions VALUES(3,'participant',1774731600,0);
INSERT INTO admissions VALUES(4,'participant',1774731600,0);
CREATE TABLE verdicts(
  n INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('admitted', 'duplicate', 'rejected')),
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  digest BLOB NOT NULL,
  rights TEXT NOT NULL,
  decided_s INTEGER NOT NULL,
  decided_ns INTEGER NOT NULL,
  fact_seq INTEGER NOT NULL,  -- a duplicate's first admission
  after_seq INTEGER NOT NULL  -- the last event of the ledger when it was decided
);
INSERT INTO verdicts VALUES(1,'client-instance-attachment','attach:00000000','duplicate','ok','',X'c596b50e0207f4201bffe8a730336de873c876458baf52c297c693c13659f9dc','participant',1774731600,0,1,4);
INSERT INTO verdicts VALUES(2,'client-instance-detachment','detach:00000000','duplicate','ok','',X'997ce2937b30c9d75f8e83288aeda804b9dc9322f5a4fb98f678fa97d12ac257','participant',1774731600,0,2,4);
INSERT INTO verdicts VALUES(3,'client-instance-attachment','attach:00000001','duplicate','ok','',X'96fc3f94433f622c340da45ab45371565cdf4e67c2dcdfcf2f656a45ca023d57','participant',1774731600,0,3,4);
INSERT INTO verdicts VALUES(4,'client-instance-detachment','detach:00000001','duplicate','ok','',X'4c79cbf57e81b2663b87ccb7c3e84dfa6f9b7542db315602092ee5e13653d575','participant',1774731600,0,4,4);
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters VALUES('detachments',2);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('events',4);
CREATE INDEX events_client ON events(client_instance);
CREATE INDEX events_related ON events(related_client_instance)
  WHERE related_client_instance <> '';
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE INDEX attachments_participant ON attachments(participant);
CREATE UNIQUE INDEX attachments_one_live ON attachments(client_instance)
  WHERE detached_by IS NULL;
CREATE INDEX attachments_live_age ON attachments(attached_s, attached_ns)
  WHERE detached_by IS NULL;
CREATE TRIGGER attachments_frozen BEFORE UPDATE ON attachments
  WHEN OLD.detached_by IS NOT NULL OR NEW.id IS NOT OLD.id
    OR NEW.client_instance IS NOT OLD.client_instance OR NEW.participant IS NOT OLD.participant
    OR NEW.bind_id IS NOT OLD.bind_id OR NEW.attached_s IS NOT OLD.attached_s
    OR NEW.attached_ns IS NOT OLD.attached_ns OR NEW.bound_s IS NOT OLD.bound_s
    OR NEW.bound_ns IS NOT OLD.bound_ns OR NEW.digest IS NOT OLD.digest
    OR NEW.seq IS NOT OLD.seq
  BEGIN SELECT RAISE(ABORT, 'an admitted attachment never changes'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
  BEGIN SELECT RAISE(ABORT, 'an admitted attachment is never removed'); END;
CREATE INDEX detachments_age ON detachments(detached_s, detached_ns, seq);
CREATE TRIGGER detachments_frozen BEFORE UPDATE ON detachments
  WHEN OLD.recovered_by IS NOT NULL OR NEW.id IS NOT OLD.id
    OR NEW.attachment_id IS NOT OLD.attachment_id
    OR NEW.client_instance IS NOT OLD.client_instance OR NEW.participant IS NOT OLD.participant
    OR NEW.reason IS NOT OLD.reason OR NEW.detached_s IS NOT OLD.detached_s
    OR NEW.detached_ns IS NOT OLD.detached_ns OR NEW.digest IS NOT OLD.digest
    OR NEW.seq IS NOT OLD.seq
  BEGIN SELECT RAISE(ABORT, 'an admitted detachment never changes'); END;
CREATE INDEX recoveries_participant ON recoveries(participant);
CREATE TRIGGER recoveries_no_update BEFORE UPDATE ON recoveries
  BEGIN SELECT RAISE(ABORT, 'an admitted recovery never changes'); END;
CREATE TRIGGER recoveries_no_delete BEFORE DELETE ON recoveries
  BEGIN SELECT RAISE(ABORT, 'an admitted recovery is never removed'); END;
CREATE INDEX verdicts_artifact ON verdicts(kind, artifact_id);
CREATE TRIGGER detachments_count_insert AFTER INSERT ON detachments
  BEGIN UPDATE counters SET value = value + 1 WHERE name = 'detachments'; END;
CREATE TRIGGER detachments_count_delete AFTER DELETE ON detachments
  BEGIN UPDATE counters SET value = value - 1 WHERE name = 'detachments'; END;
COMMIT;
PRAGMA user_version = 2;
PRAGMA application_id = 1885628276;
