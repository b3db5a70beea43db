/**
 * Search benchmark: the ANN graph (usearch HNSW, f16, exact rescoring) against exact top-K on the same vectors, in
 * one run. Synthetic clustered unit vectors stand in for CLIP image embeddings (same dimension, grouped the way
 * images of a class are); queries are fresh draws from the same clusters, not indexed rows.
 *
 *   npm run bench:search -- [--n 300000] [--dim 512] [--clusters 1000] [--queries 200] [--k 10] [--expansion-add 64]
 *                          [--expansion-search 256]
 *
 * Prints one JSON line: build time, save/load time, per-query time of both, and recall@k of the graph.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AnnIndex, ANN_PARAMS, loadUsearch } from '../../src/core/search/ann-index.js';
import { clusteredUnitRows } from '../../src/core/search/test-vectors.js';
import { exactTopK } from '../../src/core/search/top-k.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    dim: { type: 'string' },
    clusters: { type: 'string' },
    queries: { type: 'string' },
    k: { type: 'string' },
    'expansion-add': { type: 'string' },
    'expansion-search': { type: 'string' },
  },
});
const args = z
  .object({
    n: z.coerce.number().int().min(1000).default(300_000),
    dim: z.coerce.number().int().min(2).default(512),
    clusters: z.coerce.number().int().min(1).default(1000),
    queries: z.coerce.number().int().min(1).default(200),
    k: z.coerce.number().int().min(1).default(10),
    'expansion-add': z.coerce.number().int().min(1).default(ANN_PARAMS.expansionAdd),
    'expansion-search': z.coerce.number().int().min(1).default(ANN_PARAMS.expansionSearch),
  })
  .parse(values);

const SEED = 11;
const usearch = await loadUsearch();
if (usearch instanceof Error) throw usearch;

let t = performance.now();
// One draw of n + queries rows, so the queries come from the indexed rows' clusters; the queries are not indexed.
const all = clusteredUnitRows(args.n + args.queries, args.dim, args.clusters, SEED);
const data = all.subarray(0, args.n * args.dim);
const queries = all.subarray(args.n * args.dim);
const generateMs = performance.now() - t;

t = performance.now();
const params = { ...ANN_PARAMS, expansionAdd: args['expansion-add'], expansionSearch: args['expansion-search'] };
const ann = await AnnIndex.build(usearch, data, args.dim, { params });
const buildMs = performance.now() - t;

const dir = mkdtempSync(path.join(tmpdir(), 'dh-bench-search-'));
const file = path.join(dir, 'index.usearch');
t = performance.now();
ann.save(file);
const saveMs = performance.now() - t;
const fileBytes = statSync(file).size;
t = performance.now();
const loaded = AnnIndex.load(usearch, file, args.n, args.dim, params);
const loadMs = performance.now() - t;
rmSync(dir, { recursive: true, force: true });

let annMs = 0;
let exactMs = 0;
let hits = 0;
for (let q = 0; q < args.queries; q += 1) {
  const query = queries.subarray(q * args.dim, (q + 1) * args.dim);
  t = performance.now();
  const approx = loaded.search(data, query, args.k);
  annMs += performance.now() - t;
  t = performance.now();
  const exact = exactTopK(data, args.dim, query, args.k);
  exactMs += performance.now() - t;
  const want = new Set(exact.rows);
  for (const r of approx.rows) if (want.has(r)) hits += 1;
}

console.log(
  JSON.stringify({
    n: args.n,
    dim: args.dim,
    clusters: args.clusters,
    queries: args.queries,
    k: args.k,
    ann: { ...params, quantization: 'f16' },
    generate_s: +(generateMs / 1000).toFixed(1),
    build_s: +(buildMs / 1000).toFixed(1),
    save_s: +(saveMs / 1000).toFixed(2),
    load_s: +(loadMs / 1000).toFixed(2),
    index_mb: +(fileBytes / 2 ** 20).toFixed(0),
    ann_query_ms: +(annMs / args.queries).toFixed(2),
    exact_query_ms: +(exactMs / args.queries).toFixed(1),
    [`recall_at_${args.k}`]: +(hits / (args.queries * args.k)).toFixed(4),
    loadavg_1m: +(loadavg()[0] ?? 0).toFixed(2),
  }),
);
