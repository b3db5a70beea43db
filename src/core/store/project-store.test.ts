import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImagePrediction } from '../predictions/types.js';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from './migrations.js';
import { ProjectStore, type ScannedImage } from './project-store.js';

let dir: string;
let store: ProjectStore | null = null;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dh-store-'));
});
afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

const openStore = (file = path.join(dir, 'nested', 'project.sqlite')) => {
  store?.close();
  store = ProjectStore.open(file);
  return store;
};

const image = (p: string, extra: Partial<ScannedImage> = {}): ScannedImage => ({
  path: p,
  sizeBytes: 100,
  mtimeMs: 1_700_000_000_000.5,
  width: 28,
  height: 28,
  format: 'png',
  label: p.split('/')[0] ?? null,
  labelsRow: null,
  status: 'ok',
  error: null,
  ...extra,
});

const vectorsFor = (idxs: number[], dim: number) => Float32Array.from({ length: idxs.length * dim }, (_, i) => (idxs[Math.floor(i / dim)] as number) * 1000 + (i % dim));

describe('schema migrations', () => {
  it('creates the current schema in an empty database, with WAL and foreign keys on', () => {
    const s = openStore();
    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['analysis_results', 'embedders', 'embeddings', 'image_stats', 'images', 'layouts', 'meta', 'predictions', 'problems']);
  });

  it('reopens an up-to-date database without changing it', () => {
    const file = path.join(dir, 'p.sqlite');
    openStore(file).setMeta({ root: '/data/x', classes: ['a', 'b'] });
    const schema = store?.db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    const reopened = openStore(file);
    expect(reopened.getMeta()).toMatchObject({ root: '/data/x', classes: ['a', 'b'] });
    expect(reopened.db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
    expect(migrate(reopened.db)).toEqual({ fromVersion: LATEST_SCHEMA_VERSION, toVersion: LATEST_SCHEMA_VERSION });
  });

  it('upgrades a v1 database written by the v1 app and keeps its data', () => {
    // Frozen copy of the v1 schema as it shipped: do not edit when the schema changes, add a fixture for the new version.
    const V1_SCHEMA = `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE images (
        id INTEGER PRIMARY KEY, idx INTEGER NOT NULL UNIQUE, path TEXT NOT NULL UNIQUE, size_bytes INTEGER NOT NULL,
        mtime_ms REAL NOT NULL, width INTEGER, height INTEGER, format TEXT, label TEXT, labels_row INTEGER,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT);
      CREATE TABLE problems (stage TEXT NOT NULL, seq INTEGER NOT NULL, file TEXT NOT NULL, line INTEGER, kind TEXT NOT NULL,
        message TEXT NOT NULL, PRIMARY KEY (stage, seq)) WITHOUT ROWID;
      PRAGMA user_version = 1;
      INSERT INTO meta VALUES ('root', '"/data/v1"'), ('labelSource', '"csv"'), ('classes', '["cat","dog"]');
      INSERT INTO images VALUES (7, 0, 'cat/1.png', 10, 1.5, 28, 28, 'png', 'cat', 0, 'ok', NULL);
      INSERT INTO images VALUES (9, 1, 'dog/2.png', 0, 2.5, NULL, NULL, NULL, 'dog', 1, 'error', 'empty');
      INSERT INTO problems VALUES ('scan', 0, 'dog/2.png', NULL, 'empty-file', 'dog/2.png: is empty (0 bytes); skipped.');
    `;
    const file = path.join(dir, 'v1.sqlite');
    const v1 = new Database(file);
    v1.exec(V1_SCHEMA);
    v1.close();

    const s = openStore(file);

    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(s.getMeta()).toEqual({ root: '/data/v1', labelSource: 'csv', labelsFile: null, predictionsFile: null, classes: ['cat', 'dog'] });
    expect(s.listImages()).toEqual([
      { idx: 0, path: 'cat/1.png', sizeBytes: 10, mtimeMs: 1.5, width: 28, height: 28, format: 'png', label: 'cat', labelsRow: 0, status: 'ok', error: null, split: null, contentHash: null },
      { idx: 1, path: 'dog/2.png', sizeBytes: 0, mtimeMs: 2.5, width: null, height: null, format: null, label: 'dog', labelsRow: 1, status: 'error', error: 'empty', split: null, contentHash: null },
    ]);
    expect(s.listProblems()).toEqual([{ file: 'dog/2.png', kind: 'empty-file', message: 'dog/2.png: is empty (0 bytes); skipped.' }]);
    // v2 tables work against the v1 rows.
    s.saveEmbedder({ id: 'e', name: 'E', dim: 2, executionProvider: 'none' });
    s.saveEmbeddingBatch('e', 2, [1], Float32Array.from([3, 4]));
    expect(s.loadEmbeddings('e')).toEqual({ idxs: Int32Array.from([1]), dim: 2, data: Float32Array.from([3, 4]) });
  });

  it('upgrades a v2 database written by the v2 app and keeps its data', () => {
    // Frozen copy of the v2 schema as it shipped: do not edit when the schema changes, add a fixture for the new version.
    const V2_SCHEMA = `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE images (
        id INTEGER PRIMARY KEY, idx INTEGER NOT NULL UNIQUE, path TEXT NOT NULL UNIQUE, size_bytes INTEGER NOT NULL,
        mtime_ms REAL NOT NULL, width INTEGER, height INTEGER, format TEXT, label TEXT, labels_row INTEGER,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT);
      CREATE TABLE problems (stage TEXT NOT NULL, seq INTEGER NOT NULL, file TEXT NOT NULL, line INTEGER, kind TEXT NOT NULL,
        message TEXT NOT NULL, PRIMARY KEY (stage, seq)) WITHOUT ROWID;
      CREATE TABLE embedders (id TEXT PRIMARY KEY, name TEXT NOT NULL, dim INTEGER NOT NULL CHECK (dim > 0),
        execution_provider TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE embeddings (embedder_id TEXT NOT NULL REFERENCES embedders (id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE, vector BLOB NOT NULL, UNIQUE (embedder_id, image_id));
      CREATE INDEX embeddings_by_image ON embeddings (image_id);
      CREATE TABLE layouts (embedder_id TEXT NOT NULL REFERENCES embedders (id) ON DELETE CASCADE, method TEXT NOT NULL,
        params_json TEXT NOT NULL, xy BLOB NOT NULL, created_at_ms INTEGER NOT NULL, UNIQUE (embedder_id, method, params_json));
      CREATE TABLE predictions (image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
        predicted_label TEXT NOT NULL, confidence REAL, correct INTEGER CHECK (correct IN (0, 1)), loss REAL);
      PRAGMA user_version = 2;
      INSERT INTO meta VALUES ('root', '"/data/v2"'), ('classes', '["cat","dog"]'),
        ('predictionsInfo', '{"file":"p.csv","matched":1,"missing":1,"hasProbabilities":false,"accuracy":1}');
      INSERT INTO images VALUES (7, 0, 'cat/1.png', 10, 1.5, 28, 28, 'png', 'cat', NULL, 'ok', NULL);
      INSERT INTO images VALUES (9, 1, 'dog/2.png', 20, 2.5, 28, 28, 'png', 'dog', NULL, 'ok', NULL);
      INSERT INTO embedders VALUES ('px', 'Pixels', 2, 'none');
      INSERT INTO embeddings VALUES ('px', 9, X'0000803F00000040');
      INSERT INTO layouts VALUES ('px', 'umap', '{}', X'0000803F000000400000404000008040', 5);
      INSERT INTO predictions VALUES (7, 'cat', 0.75, 1, 0.25);
    `;
    const file = path.join(dir, 'v2.sqlite');
    const v2 = new Database(file);
    v2.exec(V2_SCHEMA);
    v2.close();

    const s = openStore(file);

    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(s.getMeta()).toMatchObject({ root: '/data/v2', classes: ['cat', 'dog'] });
    expect(s.listImages().map((im) => [im.idx, im.path, im.label, im.split])).toEqual([
      [0, 'cat/1.png', 'cat', null],
      [1, 'dog/2.png', 'dog', null],
    ]);
    expect(s.loadEmbeddings('px')).toEqual({ idxs: Int32Array.from([1]), dim: 2, data: Float32Array.from([1, 2]) });
    expect(Array.from(s.latestLayout()?.xy ?? [])).toEqual([1, 2, 3, 4]);
    expect(s.loadPredictions()).toEqual({
      info: { file: 'p.csv', matched: 1, missing: 1, hasProbabilities: false, accuracy: 1 },
      predictions: [{ predictedLabel: 'cat', confidence: 0.75, correct: true, loss: 0.25 }, null],
    });
    // Predictions saved before v3 have no probabilities.
    expect(s.loadPredictionProbabilities()).toBeNull();
    // v3 tables and columns work against the v2 rows.
    s.saveImageStats(1, [0], 1, Float32Array.from([0.5]));
    expect(s.loadImageStats(1)).toEqual({ idxs: Int32Array.from([0]), dim: 1, data: Float32Array.from([0.5]) });
  });

  it('upgrades a v4 database: its CLIP embeddings are kept until an embedder with a preprocessing revision saves', () => {
    const file = path.join(dir, 'v4.sqlite');
    const v4 = new Database(file);
    // Migrations are append-only, so the first four make exactly the v4 schema.
    migrate(v4, MIGRATIONS.slice(0, 4));
    v4.exec(`
      INSERT INTO images (id, idx, path, size_bytes, mtime_ms, status) VALUES (7, 0, 'a.jpg', 10, 1.5, 'ok');
      INSERT INTO embedders VALUES ('clip-vit-b32', 'CLIP ViT-B/32', 2, 'webgpu', '/models/clip');
      INSERT INTO embeddings VALUES ('clip-vit-b32', 7, X'0000803F00000040');
    `);
    v4.close();

    const s = openStore(file);
    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const before = { id: 'clip-vit-b32', name: 'CLIP ViT-B/32', dim: 2, executionProvider: 'webgpu', modelDir: '/models/clip' };
    expect(s.getEmbedder('clip-vit-b32')).toEqual(before);
    expect(s.embeddedCount('clip-vit-b32')).toBe(1);
    expect(s.saveEmbedder({ ...before, preprocessing: 'hf-clip-2026-11-27' })).toEqual({ dropped: 'preprocessing' });
    expect(s.embeddedCount('clip-vit-b32')).toBe(0);
  });

  it('refuses a database from a newer app, and leaves it untouched', () => {
    const file = path.join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore(file)).toThrow(new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 1}, newer than this app knows \\(${LATEST_SCHEMA_VERSION}\\)`));
  });

  it('rolls back a failing migration and keeps the last good version', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, description: 'broken', sql: 'CREATE TABLE t (x); SELECT * FROM nope;' }];
    expect(() => migrate(db, broken)).toThrow(/no such table: nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('ProjectStore', () => {
  it('stores and clears meta fields', () => {
    const s = openStore();
    expect(s.getMeta()).toEqual({ root: null, labelSource: null, labelsFile: null, predictionsFile: null, classes: [] });
    s.setMeta({ root: '/r', labelSource: 'csv', labelsFile: 'labels.csv', predictionsFile: '/p.csv', classes: ['a'] });
    s.setMeta({ labelsFile: null });
    expect(s.getMeta()).toEqual({ root: '/r', labelSource: 'csv', labelsFile: null, predictionsFile: '/p.csv', classes: ['a'] });
  });

  it('numbers images densely in path order', () => {
    const s = openStore();
    const summary = s.replaceScan([image('b/2.png'), image('a/1.png'), image('c/3.png', { status: 'error', error: 'corrupt', width: null })]);
    expect(summary).toEqual({ unchanged: 0, added: 3, changed: 0, removed: 0 });
    expect(s.listImages().map((im) => [im.idx, im.path])).toEqual([
      [0, 'a/1.png'],
      [1, 'b/2.png'],
      [2, 'c/3.png'],
    ]);
    expect(s.getImage(2)).toMatchObject({ status: 'error', error: 'corrupt', width: null });
    expect(s.getImage(3)).toBeNull();
    expect(s.imageCount()).toBe(3);
    expect(() => s.replaceScan([image('x.png'), image('x.png')])).toThrow(/listed twice/);
  });

  it('on rescan keeps computed data of unchanged files under their new idx and drops it for changed or removed ones', () => {
    const s = openStore();
    s.replaceScan([image('b.png'), image('c.png'), image('d.png'), image('e.png')]);
    s.saveEmbedder({ id: 'px', name: 'Pixels', dim: 3, executionProvider: 'none' });
    s.saveEmbeddingBatch('px', 3, [0, 1, 2, 3], vectorsFor([0, 1, 2, 3], 3));
    s.saveLayout({ embedderId: 'px', method: 'umap', params: { seed: 1 }, xy: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]), createdAtMs: 1 });
    const predictions = ['b', 'c', 'd', 'e'].map((l): ImagePrediction => ({ predictedLabel: l, confidence: 0.5, correct: true, loss: 0.1 }));
    s.savePredictions({ file: 'p.csv', matched: 4, missing: 0, hasProbabilities: true, accuracy: 1 }, predictions);

    // a.png is new (shifts everything), c.png is removed, d.png changed on disk, relabelled e.png.
    const summary = s.replaceScan([image('a.png'), image('b.png'), image('d.png', { sizeBytes: 101 }), image('e.png', { label: 'new' })]);

    expect(summary).toEqual({ unchanged: 2, added: 1, changed: 1, removed: 1 });
    expect(s.listImages().map((im) => `${im.idx} ${im.path} ${im.label}`)).toEqual(['0 a.png a.png', '1 b.png b.png', '2 d.png d.png', '3 e.png new']);
    // b.png (old 0 -> 1) and e.png (old 3 -> 3) keep their vectors; a.png and the changed d.png have none.
    const embeddings = s.loadEmbeddings('px');
    expect(embeddings?.idxs).toEqual(Int32Array.from([1, 3]));
    expect(embeddings?.data).toEqual(Float32Array.from([...vectorsFor([0], 3), ...vectorsFor([3], 3)]));
    expect(s.embeddedIdxs('px')).toEqual([1, 3]);
    const layout = s.loadLayout('px', 'umap', { seed: 1 });
    expect(Array.from(layout?.xy ?? [])).toEqual([NaN, NaN, 0, 0.5, NaN, NaN, 3, 3.5]);
    expect(layout?.pointCount).toBe(2);
    expect(s.loadPredictions()?.predictions.map((p) => p?.predictedLabel ?? null)).toEqual([null, 'b', null, 'e']);
  });

  it('keeps a file whose size or mtime changed when its content hash did not, and drops one whose hash changed', () => {
    const s = openStore();
    s.replaceScan([image('a.png', { contentHash: 'h-a' }), image('b.png', { contentHash: 'h-b' }), image('c.png')]);
    s.saveEmbedder({ id: 'px', name: 'Pixels', dim: 3, executionProvider: 'none' });
    s.saveEmbeddingBatch('px', 3, [0, 1, 2], vectorsFor([0, 1, 2], 3));

    // a.png: touched (new mtime, same bytes); b.png: rewritten; c.png: had no hash (older schema), new mtime.
    const summary = s.replaceScan([
      image('a.png', { mtimeMs: 5, contentHash: 'h-a' }),
      image('b.png', { mtimeMs: 5, contentHash: 'h-b2' }),
      image('c.png', { mtimeMs: 5, contentHash: 'h-c' }),
    ]);

    expect(summary).toEqual({ unchanged: 1, added: 0, changed: 2, removed: 0 });
    expect(s.embeddedIdxs('px')).toEqual([0]);
    expect(s.listImages().map((im) => [im.path, im.mtimeMs, im.contentHash])).toEqual([
      ['a.png', 5, 'h-a'],
      ['b.png', 5, 'h-b2'],
      ['c.png', 5, 'h-c'],
    ]);
    // A scan that did not hash an unchanged file keeps the hash it had.
    s.replaceScan([image('a.png', { mtimeMs: 5 }), image('b.png', { mtimeMs: 5 }), image('c.png', { mtimeMs: 5 })]);
    expect(s.listImages().map((im) => im.contentHash)).toEqual(['h-a', 'h-b2', 'h-c']);
  });

  it('keys the image list, listing the images again only after a rescan', () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png')]);
    const list = vi.spyOn(s, 'listImages');
    const key = s.imageListKey();
    expect(s.imageListKey()).toBe(key);
    expect(list).toHaveBeenCalledTimes(1);
    s.replaceScan([image('a.png'), image('b.png', { label: 'relabelled' })]);
    expect(s.imageListKey()).not.toBe(key);
    s.replaceScan([image('a.png'), image('b.png')]);
    expect(s.imageListKey()).toBe(key);
    expect(list).toHaveBeenCalledTimes(3);
  });

  it("drops an embedder's embeddings and layouts when its preprocessing revision changes, and only then", () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png')]);
    const clip = { id: 'clip', name: 'CLIP', dim: 2, executionProvider: 'cpu' };
    expect(s.saveEmbedder(clip)).toEqual({ dropped: null });
    s.saveEmbeddingBatch('clip', 2, [0, 1], Float32Array.from([1, 2, 3, 4]));
    s.saveLayout({ embedderId: 'clip', method: 'umap', params: {}, xy: Float32Array.from([0, 0, 1, 1]), createdAtMs: 1 });
    expect(s.loadLayout('clip', 'umap', {})).not.toBeNull();
    // A row written before revisions were stored, as after the version 5 migration: its crop was another.
    expect(s.saveEmbedder({ ...clip, preprocessing: 'r1' })).toEqual({ dropped: 'preprocessing' });
    expect(s.embeddedCount('clip')).toBe(0);
    expect(s.loadLayout('clip', 'umap', {})).toBeNull();
    expect(s.getEmbedder('clip')).toEqual({ ...clip, preprocessing: 'r1' });
    s.saveEmbeddingBatch('clip', 2, [0], Float32Array.from([5, 6]));
    expect(s.saveEmbedder({ ...clip, preprocessing: 'r1', executionProvider: 'webgpu' })).toEqual({ dropped: null });
    expect(s.embeddedCount('clip')).toBe(1);
    expect(s.saveEmbedder({ ...clip, preprocessing: 'r2' })).toEqual({ dropped: 'preprocessing' });
    expect(s.embeddedCount('clip')).toBe(0);
    expect(s.saveEmbedder({ ...clip, dim: 3, preprocessing: 'r2' })).toEqual({ dropped: 'dim' });
  });

  it('remembers the model folder of an embedder', () => {
    const s = openStore();
    s.saveEmbedder({ id: 'clip', name: 'CLIP', dim: 2, executionProvider: 'cpu', modelDir: '/models/clip' });
    s.saveEmbedder({ id: 'px', name: 'Pixels', dim: 3, executionProvider: 'none' });
    expect(s.getEmbedder('clip')).toEqual({ id: 'clip', name: 'CLIP', dim: 2, executionProvider: 'cpu', modelDir: '/models/clip' });
    expect(s.getEmbedder('px')).toEqual({ id: 'px', name: 'Pixels', dim: 3, executionProvider: 'none' });
  });

  it('replaces and lists problems per stage, in pipeline order', () => {
    const s = openStore();
    s.replaceProblems('labels', [{ file: 'labels.csv', line: 3, kind: 'unknown-path', message: 'm1' }]);
    s.replaceProblems('scan', [{ file: 'a.png', kind: 'empty-file', message: 'm2' }]);
    s.replaceProblems('scan', [{ file: 'b.png', kind: 'corrupt-image', message: 'm3' }]);
    expect(s.listProblems()).toEqual([
      { file: 'b.png', kind: 'corrupt-image', message: 'm3' },
      { file: 'labels.csv', line: 3, kind: 'unknown-path', message: 'm1' },
    ]);
    expect(s.listProblems('labels')).toHaveLength(1);
    s.replaceProblems('labels', []);
    expect(s.listProblems('labels')).toEqual([]);
  });

  it('saves embeddings batch by batch; a failing batch saves nothing', () => {
    const s = openStore();
    s.replaceScan(['a', 'b', 'c', 'd'].map((p) => image(`${p}.png`)));
    expect(() => s.saveEmbeddingBatch('clip', 2, [0], new Float32Array(2))).toThrow(/unknown embedder 'clip'/);
    s.saveEmbedder({ id: 'clip', name: 'CLIP', dim: 2, executionProvider: 'cpu' });
    expect(s.listEmbedders()).toEqual([{ id: 'clip', name: 'CLIP', dim: 2, executionProvider: 'cpu' }]);

    s.saveEmbeddingBatch('clip', 2, [2, 0], Float32Array.from([20, 21, 0, 1]));
    expect(() => s.saveEmbeddingBatch('clip', 2, [1, 9], new Float32Array(4))).toThrow(/no image has idx 9/);
    expect(() => s.saveEmbeddingBatch('clip', 3, [1], new Float32Array(3))).toThrow(/has dim 2, got 3/);
    expect(() => s.saveEmbeddingBatch('clip', 2, [1], new Float32Array(3))).toThrow(/need 2 values, got 3/);
    // Re-embedding an image replaces its vector; a view into a larger array is stored by its own bytes.
    const big = Float32Array.from([99, 99, 2.5, 3.5, 99]);
    s.saveEmbeddingBatch('clip', 2, [0], big.subarray(2, 4));

    expect(s.embeddedCount('clip')).toBe(2);
    expect(s.embeddedIdxs('clip')).toEqual([0, 2]);
    expect(s.loadEmbeddings('clip')).toEqual({ idxs: Int32Array.from([0, 2]), dim: 2, data: Float32Array.from([2.5, 3.5, 20, 21]) });
    expect(s.loadEmbeddings('nope')).toBeNull();

    // A new dim for the same embedder id makes old vectors and layouts meaningless.
    s.saveLayout({ embedderId: 'clip', method: 'umap', params: {}, xy: new Float32Array(8), createdAtMs: 1 });
    s.saveEmbedder({ id: 'clip', name: 'CLIP', dim: 4, executionProvider: 'webgpu' });
    expect(s.embeddedCount('clip')).toBe(0);
    expect(s.latestLayout('clip')).toBeNull();
    s.deleteEmbedder('clip');
    expect(s.getEmbedder('clip')).toBeNull();
  });

  it('moves embeddingsVersion on every change to vectors or numbering, from this connection or another, and only then', () => {
    const s = openStore();
    s.replaceScan([image('a/1.png'), image('a/2.png')]);
    s.saveEmbedder({ id: 'e', name: 'e', dim: 2, executionProvider: 'cpu' });
    const seen = new Set<string>();
    const changes = (what: string, change: () => void): void => {
      const before = s.embeddingsVersion();
      seen.add(before);
      change();
      expect(s.embeddingsVersion(), what).not.toBe(before);
      expect(seen.has(s.embeddingsVersion()), what).toBe(false);
    };
    changes('vectors saved', () => s.saveEmbeddingBatch('e', 2, [0, 1], vectorsFor([0, 1], 2)));
    changes('rescan', () => s.replaceScan([image('a/0.png'), image('a/1.png'), image('a/2.png')]));
    changes('dim changed', () => s.saveEmbedder({ id: 'e', name: 'e', dim: 3, executionProvider: 'cpu' }));
    changes('embedder dropped', () => s.deleteEmbedder('e'));
    changes('another connection', () => {
      const other = ProjectStore.open(path.join(dir, 'nested', 'project.sqlite'));
      other.saveEmbedder({ id: 'f', name: 'f', dim: 2, executionProvider: 'cpu' });
      other.close();
    });
    const steady = s.embeddingsVersion();
    s.saveResult('r', 'k', new Uint8Array([1]));
    s.setMeta({ classes: ['a'] });
    s.saveEmbedder({ id: 'f', name: 'f', dim: 2, executionProvider: 'cuda' });
    expect(s.embeddingsVersion()).toBe(steady);
  });

  it('keys layouts by embedder, method and params (in any key order) and finds the latest', () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png')]);
    s.saveEmbedder({ id: 'px', name: 'Pixels', dim: 2, executionProvider: 'none' });
    const xy = Float32Array.from([1, 2, NaN, NaN]);
    s.saveLayout({ embedderId: 'px', method: 'umap', params: { seed: 1, nNeighbors: 15 }, xy, createdAtMs: 10 });
    s.saveLayout({ embedderId: 'px', method: 'tsne', params: { seed: 1 }, xy: Float32Array.from([5, 6, 7, 8]), createdAtMs: 20 });

    const umap = s.loadLayout('px', 'umap', { nNeighbors: 15, seed: 1 });
    expect(umap).toMatchObject({ embedderId: 'px', method: 'umap', params: { nNeighbors: 15, seed: 1 }, paramsJson: '{"nNeighbors":15,"seed":1}', pointCount: 1, createdAtMs: 10 });
    expect(Array.from(umap?.xy ?? [])).toEqual([1, 2, NaN, NaN]);
    expect(s.loadLayout('px', 'umap', { seed: 2 })).toBeNull();
    expect(s.latestLayout()?.method).toBe('tsne');

    s.saveLayout({ embedderId: 'px', method: 'umap', params: { seed: 1, nNeighbors: 15 }, xy: Float32Array.from([0, 0, 0, 0]), createdAtMs: 30 });
    expect(s.latestLayout('px')).toMatchObject({ method: 'umap', pointCount: 2 });
    expect(() => s.saveLayout({ embedderId: 'px', method: 'umap', params: {}, xy: new Float32Array(2), createdAtMs: 1 })).toThrow(/expected 2 per image \(4\)/);
  });

  it('keeps one analysis result per name with the key of its inputs, replacing it on save', () => {
    const s = openStore();
    expect(s.loadResult('scores')).toBeNull();
    s.saveResult('scores', 'k1', Uint8Array.from([1, 2, 3]));
    s.saveResult('scores', 'k2', Uint8Array.from([4, 5]));
    s.saveResult('clusters', 'k2', new Uint8Array(0));
    const scores = s.loadResult('scores');
    expect(scores?.inputKey).toBe('k2');
    expect(Array.from(scores?.data ?? [])).toEqual([4, 5]);
    expect(s.loadResult('clusters')?.data.length).toBe(0);
  });

  it('saves, loads and clears predictions with their file info', () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png'), image('c.png')]);
    expect(s.loadPredictions()).toBeNull();
    const info = { file: 'preds.csv', matched: 2, missing: 1, hasProbabilities: false, accuracy: 0.5 };
    const predictions = [{ predictedLabel: 'x', confidence: 0.25, correct: false, loss: null }, null, { predictedLabel: 'y', confidence: null, correct: null, loss: 1.5 }];
    s.savePredictions(info, predictions);
    expect(s.loadPredictions()).toEqual({ info, predictions });
    expect(s.loadPrediction(2)).toEqual(predictions[2]);
    expect(s.loadPrediction(1)).toBeNull();
    expect(() => s.savePredictions(info, [null])).toThrow(/got 1 entries for 3 images/);
    s.clearPredictions();
    expect(s.loadPredictions()).toBeNull();
  });

  it('saves class probabilities with predictions, as NaN rows where an image has none, and drops them on rescan', () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png'), image('c.png')]);
    const info = { file: 'p.csv', matched: 2, missing: 1, hasProbabilities: true, accuracy: 1 };
    const predictions = [{ predictedLabel: 'x', confidence: 0.75, correct: true, loss: 0.3 }, null, { predictedLabel: 'y', confidence: 0.5, correct: null, loss: null }];
    const values = Float32Array.from([0.75, 0.25, NaN, NaN, 0.5, 0.5]);
    expect(() => s.savePredictions(info, predictions, { classes: ['x', 'y'], values: new Float32Array(4) })).toThrow(/expected 3 images × 2 classes/);
    s.savePredictions(info, predictions, { classes: ['x', 'y'], values });
    expect(s.loadPredictionProbabilities()).toEqual({ classes: ['x', 'y'], values });

    // c.png changes on disk: its probabilities go with its prediction; a.png keeps its row under its new idx.
    s.replaceScan([image('0.png'), image('a.png'), image('b.png'), image('c.png', { sizeBytes: 7 })]);
    expect(Array.from(s.loadPredictionProbabilities()?.values ?? [])).toEqual([NaN, NaN, 0.75, 0.25, NaN, NaN, NaN, NaN]);

    // Predictions without probabilities clear the old class list.
    s.savePredictions(info, [null, null, null, null]);
    expect(s.loadPredictionProbabilities()).toBeNull();
    s.savePredictions(info, [null, predictions[0] ?? null, null, null], { classes: ['x', 'y'], values: new Float32Array(8).fill(0.5) });
    s.clearPredictions();
    expect(s.loadPredictionProbabilities()).toBeNull();
  });

  it('stores each image split, null when the scan does not give one', () => {
    const s = openStore();
    s.replaceScan([image('a.png', { split: 'train' }), image('b.png')]);
    expect(s.listImages().map((im) => im.split)).toEqual(['train', null]);
    s.replaceScan([image('a.png', { split: 'val' }), image('b.png', { split: 'train' })]);
    expect(s.getImage(0)?.split).toBe('val');
    expect(s.getImage(1)?.split).toBe('train');
  });

  it('saves image stats by version; a rescan drops stats of changed files', () => {
    const s = openStore();
    s.replaceScan([image('a.png'), image('b.png'), image('c.png')]);
    expect(s.loadImageStats(1)).toEqual({ idxs: new Int32Array(0), dim: 0, data: new Float32Array(0) });
    s.saveImageStats(1, [2, 0], 2, Float32Array.from([20, 21, 0, 1]));
    s.saveImageStats(2, [1], 2, Float32Array.from([10, 11]));
    expect(() => s.saveImageStats(1, [9], 2, Float32Array.from([1, 2]))).toThrow(/no image has idx 9/);
    expect(() => s.saveImageStats(1, [0], 2, Float32Array.from([1]))).toThrow(/need 2 values, got 1/);
    expect(s.loadImageStats(1)).toEqual({ idxs: Int32Array.from([0, 2]), dim: 2, data: Float32Array.from([0, 1, 20, 21]) });
    expect(s.loadImageStats(2)).toEqual({ idxs: Int32Array.from([1]), dim: 2, data: Float32Array.from([10, 11]) });
    // A newer version replaces an image's row.
    s.saveImageStats(2, [0], 2, Float32Array.from([5, 6]));
    expect(s.loadImageStats(1).idxs).toEqual(Int32Array.from([2]));

    s.replaceScan([image('a.png'), image('b.png'), image('c.png', { mtimeMs: 5 })]);
    expect(s.loadImageStats(1).idxs).toEqual(new Int32Array(0));
    expect(s.loadImageStats(2).idxs).toEqual(Int32Array.from([0, 1]));
  });

  it('round-trips 10,000 x 512 embeddings, loading them well under a second', () => {
    const s = openStore();
    const count = 10_000;
    const dim = 512;
    s.replaceScan(Array.from({ length: count }, (_, i) => image(`img/${String(i).padStart(5, '0')}.png`)));
    s.saveEmbedder({ id: 'clip', name: 'CLIP', dim, executionProvider: 'cpu' });
    const all = new Float32Array(count * dim);
    for (let i = 0; i < all.length; i += 1) all[i] = Math.sin(i);
    const batch = 1000;
    for (let start = 0; start < count; start += batch) {
      const idxs = Array.from({ length: Math.min(batch, count - start) }, (_, i) => start + i);
      s.saveEmbeddingBatch('clip', dim, idxs, all.subarray(start * dim, (start + idxs.length) * dim));
    }

    const startedMs = performance.now();
    const loaded = s.loadEmbeddings('clip');
    const elapsedMs = performance.now() - startedMs;

    expect(loaded?.idxs).toEqual(Int32Array.from({ length: count }, (_, i) => i));
    // Byte comparison: a deep equal over 5 million elements takes vitest most of a minute.
    expect(Buffer.compare(Buffer.from(loaded?.data.buffer ?? new ArrayBuffer(0)), Buffer.from(all.buffer))).toBe(0);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
