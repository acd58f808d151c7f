-- A corpus at schema version 1 (before near-duplicate detection), frozen as corpus-v1.sqlite
-- with: sqlite3 corpus-v1.sqlite < corpus-v1.sql
PRAGMA journal_mode = delete;
BEGIN;
CREATE TABLE "corpus_meta" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
CREATE TABLE "document" ("id" INTEGER NOT NULL PRIMARY KEY, "title" TEXT NOT NULL, "text" TEXT NOT NULL, "source" TEXT, "author" TEXT, "published" VARCHAR(32), "language" VARCHAR(16), "content_hash" VARCHAR(64) NOT NULL, "imported_at" DATETIME NOT NULL, "metadata" TEXT NOT NULL);
CREATE INDEX "document_published" ON "document" ("published");
CREATE UNIQUE INDEX "document_content_hash" ON "document" ("content_hash");
CREATE TABLE "annotator" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, "role" VARCHAR(20) NOT NULL, "created_at" DATETIME NOT NULL);
CREATE UNIQUE INDEX "annotator_name" ON "annotator" ("name");
CREATE TABLE "annotation_set" ("id" INTEGER NOT NULL PRIMARY KEY, "document_id" INTEGER NOT NULL, "annotator_id" INTEGER NOT NULL, "status" VARCHAR(24) NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("document_id") REFERENCES "document" ("id") ON DELETE CASCADE, FOREIGN KEY ("annotator_id") REFERENCES "annotator" ("id") ON DELETE CASCADE);
CREATE INDEX "annotation_set_document_id" ON "annotation_set" ("document_id");
CREATE INDEX "annotation_set_annotator_id" ON "annotation_set" ("annotator_id");
CREATE INDEX "annotation_set_status" ON "annotation_set" ("status");
CREATE UNIQUE INDEX "annotation_set_document_id_annotator_id" ON "annotation_set" ("document_id", "annotator_id");
CREATE TABLE "collection" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(200) NOT NULL, "created_at" DATETIME NOT NULL);
CREATE UNIQUE INDEX "collection_name" ON "collection" ("name");
CREATE TABLE "document_collection" ("document_id" INTEGER NOT NULL, "collection_id" INTEGER NOT NULL, PRIMARY KEY ("document_id", "collection_id"), FOREIGN KEY ("document_id") REFERENCES "document" ("id") ON DELETE CASCADE, FOREIGN KEY ("collection_id") REFERENCES "collection" ("id") ON DELETE CASCADE);
CREATE INDEX "document_collection_document_id" ON "document_collection" ("document_id");
CREATE INDEX "document_collection_collection_id" ON "document_collection" ("collection_id");
CREATE TABLE "span" ("id" INTEGER NOT NULL PRIMARY KEY, "annotation_set_id" INTEGER NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "label" VARCHAR(100) NOT NULL, "attributes" TEXT NOT NULL, "note" TEXT NOT NULL, "version" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("annotation_set_id") REFERENCES "annotation_set" ("id") ON DELETE CASCADE, CHECK (start >= 0), CHECK ("end" > start));
CREATE INDEX "span_annotation_set_id" ON "span" ("annotation_set_id");
CREATE INDEX "span_label" ON "span" ("label");
CREATE INDEX "span_annotation_set_id_start" ON "span" ("annotation_set_id", "start");
CREATE TABLE "event" ("id" INTEGER NOT NULL PRIMARY KEY, "annotation_set_id" INTEGER NOT NULL, "type" VARCHAR(100) NOT NULL, "trigger_id" INTEGER NOT NULL, "attributes" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("annotation_set_id") REFERENCES "annotation_set" ("id") ON DELETE CASCADE, FOREIGN KEY ("trigger_id") REFERENCES "span" ("id") ON DELETE CASCADE);
CREATE INDEX "event_annotation_set_id" ON "event" ("annotation_set_id");
CREATE INDEX "event_trigger_id" ON "event" ("trigger_id");
CREATE TABLE "event_role" ("id" INTEGER NOT NULL PRIMARY KEY, "event_id" INTEGER NOT NULL, "role" VARCHAR(100) NOT NULL, "span_id" INTEGER NOT NULL, FOREIGN KEY ("event_id") REFERENCES "event" ("id") ON DELETE CASCADE, FOREIGN KEY ("span_id") REFERENCES "span" ("id") ON DELETE CASCADE);
CREATE INDEX "event_role_event_id" ON "event_role" ("event_id");
CREATE INDEX "event_role_span_id" ON "event_role" ("span_id");
CREATE TABLE "relation" ("id" INTEGER NOT NULL PRIMARY KEY, "annotation_set_id" INTEGER NOT NULL, "type" VARCHAR(100) NOT NULL, "head_id" INTEGER NOT NULL, "tail_id" INTEGER NOT NULL, "attributes" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("annotation_set_id") REFERENCES "annotation_set" ("id") ON DELETE CASCADE, FOREIGN KEY ("head_id") REFERENCES "span" ("id") ON DELETE CASCADE, FOREIGN KEY ("tail_id") REFERENCES "span" ("id") ON DELETE CASCADE);
CREATE INDEX "relation_annotation_set_id" ON "relation" ("annotation_set_id");
CREATE INDEX "relation_head_id" ON "relation" ("head_id");
CREATE INDEX "relation_tail_id" ON "relation" ("tail_id");
CREATE TABLE "schema_version" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, "yaml" TEXT NOT NULL, "created_at" DATETIME NOT NULL);
CREATE VIRTUAL TABLE document_fts USING fts5(title, text, content='document', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;
CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN INSERT INTO document_fts(document_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END;
CREATE TRIGGER document_fts_au AFTER UPDATE OF title, text ON document BEGIN INSERT INTO document_fts(document_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;

INSERT INTO corpus_meta VALUES ('schema_version', '1');
INSERT INTO schema_version VALUES (1, 'mini', 'name: mini
labels:
  - name: Actor
    color: "#1f77b4"
    attributes:
      - name: category
        type: enum
        values: [state_force, other]
  - name: WeaponSystem
    color: "#d62728"
relations:
  - name: uses
    head: Actor
    tail: WeaponSystem
', '2026-11-01 09:00:00');
INSERT INTO document VALUES (1, 'Jets strike al-Bab', 'Russian jets struck Islamic State positions in al-Bab on Wednesday, the defence ministry in Moscow said, in the first joint operation with the Turkish air force over northern Syria.', 'wire/1.txt', 'Reuters', '2017-01-18', 'en', 'v1-hash-1', '2026-11-01 09:01:00', '{"desk": "middle-east"}');
INSERT INTO document VALUES (2, 'Café owners in Zürich 😀', 'Café owners in Zürich 😀 said the protest was peaceful.', 'local/2.txt', NULL, NULL, 'de', 'v1-hash-2', '2026-11-01 09:02:00', '{}');
INSERT INTO collection VALUES (1, 'wire', '2026-11-01 09:00:00');
INSERT INTO document_collection VALUES (1, 1);
INSERT INTO annotator VALUES (1, 'alice', 'annotator', '2026-11-01 09:00:00');
INSERT INTO annotation_set VALUES (1, 1, 1, 'done', '2026-11-01 10:00:00');
INSERT INTO span VALUES (1, 1, 0, 7, 'Actor', '{"category": "state_force"}', 'Russian air force', 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00');
INSERT INTO span VALUES (2, 1, 8, 12, 'WeaponSystem', '{}', '', 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00');
INSERT INTO relation VALUES (1, 1, 'uses', 1, 2, '{}', '2026-11-01 10:00:00');
COMMIT;
