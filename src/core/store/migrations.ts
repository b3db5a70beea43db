import type Database from 'better-sqlite3';

export interface Migration {
  /** The `PRAGMA user_version` after this migration; migrations are numbered 1, 2, 3... without gaps. */
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema's history. Never edit a migration that has shipped: append a new one. `store.test.ts` keeps a frozen
 * copy of each shipped version's schema and checks that data written by it survives the upgrade.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'dataset scan: meta, images, problems',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- id is stable for the life of a file (dependent rows point to it); idx is the dense 0..N-1 point index in
      -- path order, renumbered on rescans.
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        idx INTEGER NOT NULL UNIQUE,
        path TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        width INTEGER,
        height INTEGER,
        format TEXT,
        label TEXT,
        labels_row INTEGER,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
        error TEXT
      );

      CREATE TABLE problems (
        stage TEXT NOT NULL,
        seq INTEGER NOT NULL,
        file TEXT NOT NULL,
        line INTEGER,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (stage, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'analysis: embedders, embeddings, layouts, predictions',
    sql: `
      CREATE TABLE embedders (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        dim INTEGER NOT NULL CHECK (dim > 0),
        execution_provider TEXT NOT NULL
      ) WITHOUT ROWID;

      -- vector: dim float32 values, little-endian.
      CREATE TABLE embeddings (
        embedder_id TEXT NOT NULL REFERENCES embedders (id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        UNIQUE (embedder_id, image_id)
      );
      CREATE INDEX embeddings_by_image ON embeddings (image_id);

      -- xy: 2 float32 per image in idx order, NaN where an image has no position.
      CREATE TABLE layouts (
        embedder_id TEXT NOT NULL REFERENCES embedders (id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        params_json TEXT NOT NULL,
        xy BLOB NOT NULL,
        created_at_ms INTEGER NOT NULL,
        UNIQUE (embedder_id, method, params_json)
      );

      CREATE TABLE predictions (
        image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
        predicted_label TEXT NOT NULL,
        confidence REAL,
        correct INTEGER CHECK (correct IN (0, 1)),
        loss REAL
      );
    `,
  },
  {
    version: 3,
    description: 'class probabilities, image splits, per-image stats, analysis results',
    sql: `
      -- probs: float32 per class, little-endian, in the order of meta 'predictionClasses'; NULL without scores.
      ALTER TABLE predictions ADD COLUMN probs BLOB;

      -- The split an image belongs to ('train', 'val', ...), when the dataset says; NULL when unknown.
      ALTER TABLE images ADD COLUMN split TEXT;

      -- stats: float32 vector of per-image statistics (brightness, blur, ...) computed by code of this version;
      -- rows of an older version are ignored and recomputed. Deleted with the image when its file changes.
      CREATE TABLE image_stats (
        image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        stats BLOB NOT NULL
      );

      -- Derived results (score columns, clusters) as one binary frame each, with the key of the inputs they were
      -- computed from: a result whose key no longer matches is stale and recomputed.
      CREATE TABLE analysis_results (
        name TEXT PRIMARY KEY,
        input_key TEXT NOT NULL,
        data BLOB NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'content hash of each image file; model folder of each embedder',
    sql: `
      -- content_hash: sha1 (hex) of the file's bytes, so a file whose size or mtime changed but whose content did
      -- not (a copy, a touch, a sync tool) keeps its embedding. NULL for rows written before version 4.
      ALTER TABLE images ADD COLUMN content_hash TEXT;
      -- model_dir: the Hugging Face-layout folder the embedder was loaded from (its text tower and tokenizer live
      -- there), NULL when it did not come from one.
      ALTER TABLE embedders ADD COLUMN model_dir TEXT;
    `,
  },
  {
    version: 5,
    description: 'preprocessing revision of each embedder',
    sql: `
      -- preprocessing: the revision of the image preprocessing its embeddings were made with; embeddings made under
      -- another are dropped. NULL for none, and for rows written before version 5 (their crop was sharp's).
      ALTER TABLE embedders ADD COLUMN preprocessing TEXT;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to the last version of `migrations`, one transaction per migration, so a failure leaves the
 * database at the last version that completed. Refuses databases written by a newer app.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { fromVersion: number; toVersion: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration #${i} has version ${m.version}; versions must be 1, 2, 3... in order.`);
  });
  const fromVersion = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (fromVersion > latest) {
    throw new Error(`${db.name} has schema version ${fromVersion}, newer than this app knows (${latest}); update Dataset Health to open it.`);
  }
  for (const migration of migrations.slice(fromVersion)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { fromVersion, toVersion: latest };
}
