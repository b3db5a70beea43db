import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../../../shared/api/contract';
import type { DatasetSummary, JobStatus, PointColumns } from '../../../shared/model/dataset';
import type { ClusterSummary, ScoreColumn } from '../../../shared/model/scores';
import { mergeJobList, runningJobFor, upsertJob, type JobsById } from '../features/jobs/jobs-state';
import { useApi } from './api-context';
import { errorMessage } from './error-message';

/** Jobs whose completion changes the layout, so the points must be fetched again. */
const LAYOUT_JOB_KINDS: ReadonlySet<JobStatus['kind']> = new Set(['analyze', 'project']);

export interface DatasetSession {
  info: AppInfo | null;
  summary: DatasetSummary | null;
  points: PointColumns | null;
  /** Per-image scores of the current layout; empty until the engine has them (or when it cannot compute them). */
  scores: ScoreColumn[];
  /** Clusters of the current layout, weakest first; empty until the engine has them. */
  clusters: ClusterSummary[];
  /** What to draw: the live preview while a layout job runs, else the stored layout (NaN where none). */
  xy: Float32Array | null;
  xySource: XySource;
  jobs: JobsById;
  opening: boolean;
  /** The last failure to open or load, for the user. */
  error: string | null;
  open(root: string): void;
  analyze(): void;
  /** The execution provider analyses run on: 'auto' or one the engine offers (`info.capabilities.executionProviders`). */
  provider: string;
  setProvider(provider: string): void;
  cancel(jobId: string): void;
  dismissError(): void;
}

/** Where `xy` comes from: the finished layout, a live preview, or nothing yet (all NaN). */
export type XySource = 'layout' | 'preview' | 'none';

const NO_SCORES: ScoreColumn[] = [];
const NO_CLUSTERS: ClusterSummary[] = [];

interface Preview {
  datasetId: string;
  jobId: string;
  xy: Float32Array;
}

/**
 * Everything about the open dataset that comes from the engine: start-up (app.info → open the initial dataset),
 * analysis started automatically when there is no layout, live previews, and a refresh when a layout job ends.
 */
export function useDatasetSession(): DatasetSession {
  const client = useApi();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [summary, setSummary] = useState<DatasetSummary | null>(null);
  const [points, setPoints] = useState<PointColumns | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [health, setHealth] = useState<{ datasetId: string; scores: ScoreColumn[]; clusters: ClusterSummary[] } | null>(null);
  const [jobs, setJobs] = useState<JobsById>(new Map());
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [provider, setProvider] = useState('auto');
  // Read at start time, so the analysis started on open uses the current choice without re-creating `open`.
  const providerRef = useRef(provider);
  providerRef.current = provider;

  // Async results for a dataset that is no longer open are dropped by comparing with this.
  const datasetIdRef = useRef<string | null>(null);
  const finishedJobsRef = useRef(new Set<string>());
  const refreshRef = useRef<{ running: boolean; again: boolean }>({ running: false, again: false });

  /**
   * Scores and clusters come from the analysis that follows the layout. An engine that has none yet answers [];
   * an older engine without these methods throws: either way the UI goes on with what it has, silently.
   */
  const loadHealth = useCallback(
    async (datasetId: string): Promise<void> => {
      const [scores, clusters] = await Promise.all([
        client.call('dataset.scores', { datasetId }).catch((): ScoreColumn[] => []),
        client.call('dataset.clusters', { datasetId }).catch((): ClusterSummary[] => []),
      ]);
      if (datasetIdRef.current === datasetId) setHealth({ datasetId, scores, clusters });
    },
    [client],
  );

  const refresh = useCallback(async (): Promise<void> => {
    // Coalesce: a job end and a dataset.changed event often arrive together.
    const state = refreshRef.current;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        const datasetId = datasetIdRef.current;
        if (datasetId === null) return;
        const [nextSummary, nextPoints] = await Promise.all([
          client.call('dataset.summary', { datasetId }),
          client.call('dataset.points', { datasetId }),
        ]);
        if (datasetIdRef.current !== datasetId) return;
        setSummary(nextSummary);
        setPoints(nextPoints);
        if (nextSummary.layout !== null) {
          setPreview(null);
          await loadHealth(datasetId);
        }
      } while (state.again);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      state.running = false;
    }
  }, [client, loadHealth]);

  const trackJob = useCallback(
    (status: JobStatus): void => {
      setJobs((current) => upsertJob(current, status));
      if (status.state === 'running') return;
      finishedJobsRef.current.add(status.jobId);
      if (status.datasetId !== datasetIdRef.current) return;
      if (status.state === 'done' && LAYOUT_JOB_KINDS.has(status.kind)) void refresh();
      // A cancelled or failed job leaves its last preview meaningless.
      if (status.state !== 'done') setPreview((p) => (p?.jobId === status.jobId ? null : p));
    },
    [refresh],
  );

  const startAnalysis = useCallback(
    async (datasetId: string): Promise<void> => {
      try {
        const chosen = providerRef.current;
        trackJob(await client.call('job.analyze', { datasetId, ...(chosen === 'auto' ? {} : { provider: chosen }) }));
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [client, trackJob],
  );

  const open = useCallback(
    async (root: string): Promise<void> => {
      setOpening(true);
      setError(null);
      try {
        const opened = await client.call('dataset.open', { root });
        datasetIdRef.current = opened.id;
        setSummary(opened);
        setPoints(null);
        setPreview(null);
        const [openedPoints, jobList] = await Promise.all([
          client.call('dataset.points', { datasetId: opened.id }),
          client.call('job.list', { datasetId: opened.id }),
        ]);
        if (datasetIdRef.current !== opened.id) return;
        setPoints(openedPoints);
        if (opened.layout !== null) void loadHealth(opened.id);
        for (const job of jobList) if (job.state !== 'running') finishedJobsRef.current.add(job.jobId);
        const known = mergeJobList(new Map(), jobList);
        setJobs((current) => mergeJobList(current, jobList));
        if (opened.layout === null && runningJobFor(known, opened.id, 'analyze') === null) await startAnalysis(opened.id);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setOpening(false);
      }
    },
    [client, startAnalysis, loadHealth],
  );

  useEffect(() => {
    const unsubscribers = [
      client.on('job.progress', trackJob),
      client.on('layout.preview', (p) => {
        if (p.datasetId !== datasetIdRef.current || finishedJobsRef.current.has(p.jobId)) return;
        setPreview({ datasetId: p.datasetId, jobId: p.jobId, xy: p.xy });
      }),
      client.on('dataset.changed', (p) => {
        if (p.datasetId === datasetIdRef.current) void refresh();
      }),
      // The desktop shell's File > Open Dataset Folder… picks a folder natively and hands it over.
      client.on('app.openDataset', (p) => void open(p.root)),
    ];
    return () => unsubscribers.forEach((off) => off());
  }, [client, trackJob, refresh, open]);

  // Start-up runs once per client, even when React mounts effects twice in development.
  const startedRef = useRef<object | null>(null);
  useEffect(() => {
    if (startedRef.current === client) return;
    startedRef.current = client;
    void (async () => {
      try {
        const appInfo = await client.call('app.info', {});
        setInfo(appInfo);
        if (appInfo.initialDataset) await open(appInfo.initialDataset.root);
      } catch (err) {
        setError(errorMessage(err));
      }
    })();
  }, [client, open]);

  const pointCount = points?.count ?? 0;
  const previewXy =
    preview !== null && preview.datasetId === summary?.id && preview.xy.length === pointCount * 2 ? preview.xy : null;
  const xy = previewXy ?? points?.xy ?? null;
  const xySource: XySource = previewXy !== null ? 'preview' : points !== null && summary?.layout != null ? 'layout' : 'none';

  const healthIsCurrent = health !== null && health.datasetId === summary?.id;

  return {
    info,
    summary,
    points,
    scores: healthIsCurrent ? health.scores : NO_SCORES,
    clusters: healthIsCurrent ? health.clusters : NO_CLUSTERS,
    xy,
    xySource,
    jobs,
    opening,
    error,
    open: (root) => void open(root),
    analyze: () => {
      if (summary) void startAnalysis(summary.id);
    },
    cancel: (jobId) => {
      client.call('job.cancel', { jobId }).then(trackJob, (err: unknown) => setError(errorMessage(err)));
    },
    dismissError: () => setError(null),
    provider,
    setProvider,
  };
}
