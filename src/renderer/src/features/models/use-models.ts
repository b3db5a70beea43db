import { useCallback, useEffect, useState } from 'react';
import { MODEL_JOBS_SCOPE, type ModelPrecision, type ModelsListResult } from '../../../../shared/model/models';
import { useApi } from '../../app/api-context';
import { errorMessage } from '../../app/error-message';
import { applyDownloadProgress, type DownloadsByModel } from './models-state';

export interface ModelsState {
  list: ModelsListResult | null;
  downloads: DownloadsByModel;
  /** The model the user picked for analysis; null: the engine's default. */
  chosen: string | null;
  error: string | null;
  /** Warnings of the last import (e.g. no tokenizer). */
  importNotes: string[];
  importing: boolean;
  refresh(): void;
  download(id: string, precision: ModelPrecision): void;
  cancel(jobId: string): void;
  importPath(path: string): void;
  remove(id: string): void;
  choose(id: string | null): void;
}

/** The model cache as the engine reports it, kept current through download job events. */
export function useModels(): ModelsState {
  const client = useApi();
  const [list, setList] = useState<ModelsListResult | null>(null);
  const [downloads, setDownloads] = useState<DownloadsByModel>(new Map());
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importNotes, setImportNotes] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);

  const refresh = useCallback(() => {
    client.call('models.list', {}).then(setList, (err: unknown) => setError(errorMessage(err)));
  }, [client]);

  useEffect(() => {
    refresh();
    return client.on('job.progress', (status) => {
      if (status.datasetId !== MODEL_JOBS_SCOPE) return;
      setDownloads((current) => applyDownloadProgress(current, status));
      if (status.state !== 'running') refresh();
    });
  }, [client, refresh]);

  return {
    list,
    downloads,
    chosen,
    error,
    importNotes,
    importing,
    refresh,
    download: (id, precision) => {
      setError(null);
      client.call('models.download', { id, precision }).then(
        (job) => setDownloads((current) => new Map(current).set(id, { precision, job })),
        (err: unknown) => setError(errorMessage(err)),
      );
    },
    cancel: (jobId) => {
      client.call('job.cancel', { jobId }).catch((err: unknown) => setError(errorMessage(err)));
    },
    importPath: (path) => {
      setError(null);
      setImportNotes([]);
      setImporting(true);
      client
        .call('models.import', { path })
        .then(
          (result) => {
            setImportNotes(result.added ? result.warnings : [`Already imported as ${result.model.id}.`]);
            refresh();
          },
          (err: unknown) => setError(errorMessage(err)),
        )
        .finally(() => setImporting(false));
    },
    remove: (id) => {
      setError(null);
      client.call('models.remove', { id }).then(refresh, (err: unknown) => setError(errorMessage(err)));
      if (chosen === id) setChosen(null);
    },
    choose: setChosen,
  };
}
