import { useState } from 'react';
import type { ExportFormat } from '../../../../shared/model/dataset';
import { useApi } from '../../app/api-context';
import { errorMessage } from '../../app/error-message';
import { downloadText } from './download';
import './export.css';

const MIME_TYPES: Record<ExportFormat, string> = { csv: 'text/csv', paths: 'text/plain' };

type Outcome = { kind: 'ok'; text: string } | { kind: 'error'; text: string };

/**
 * Exports the selection (in the order shown) through the engine and saves what it returns. Renders the two buttons
 * and the outcome line as siblings, for the parent's flex row to place.
 */
export function ExportButtons({ datasetId, indices }: { datasetId: string; indices: Uint32Array }) {
  const client = useApi();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async (format: ExportFormat): Promise<void> => {
    setBusy(format);
    setOutcome(null);
    try {
      const result = await client.call('export.selection', { datasetId, indices, format });
      if (result.writtenTo !== null) {
        setOutcome({ kind: 'ok', text: `Saved to ${result.writtenTo}` });
      } else {
        downloadText(result.content, result.fileName, MIME_TYPES[format]);
        setOutcome({ kind: 'ok', text: `Downloaded ${result.fileName}` });
      }
    } catch (err) {
      setOutcome({ kind: 'error', text: `Export failed: ${errorMessage(err)}` });
    } finally {
      setBusy(null);
    }
  };

  const disabled = indices.length === 0 || busy !== null;
  return (
    <>
      <button type="button" data-testid="export-csv" disabled={disabled} onClick={() => void run('csv')}>
        {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
      </button>
      <button type="button" data-testid="export-paths" disabled={disabled} onClick={() => void run('paths')}>
        {busy === 'paths' ? 'Exporting…' : 'Export paths'}
      </button>
      {outcome && (
        <div className={`export-outcome ${outcome.kind}`} data-testid="export-outcome" role="status">
          {outcome.text}
        </div>
      )}
    </>
  );
}
