import { useState } from 'react';
import { formatBytes, type ModelListEntry } from '../../../../shared/model/models';
import { ProgressBar } from '../jobs/JobsPanel';
import { analysisModel, downloadablePrecisions, rowState } from './models-state';
import type { ModelsState } from './use-models';
import './models.css';

function ModelRow({ model, models, selectedForAnalysis }: { model: ModelListEntry; models: ModelsState; selectedForAnalysis: boolean }) {
  const state = rowState(model, models.downloads);
  const installed = model.installed.length > 0;
  return (
    <li className="model-row" data-testid="model-row" data-model={model.id} data-installed={model.installed.join(',')}>
      <div className="model-head">
        <label className="model-use" title={installed ? 'Use this model for analysis' : 'Download or import it first'}>
          <input type="radio" name="analysis-model" data-testid="use-model" disabled={!installed} checked={selectedForAnalysis} onChange={() => models.choose(model.id)} />
          <span className="model-name">{model.name}</span>
        </label>
        <span className="model-id mono">{model.id}</span>
      </div>
      <div className="model-facts muted">
        {model.available.map((p) => `${p} ${formatBytes(model.bytesByPrecision[p] ?? 0)}`).join(' · ')}
        {' · '}
        {installed ? `installed: ${model.installed.join(', ')}` : 'not installed'}
        {installed && !model.textAvailable && ' · no text features'}
        {'importedFrom' in model.source && ` · from ${model.source.importedFrom}`}
      </div>
      {model.notes.map((note) => (
        <div key={note} className="model-note">
          {note}
        </div>
      ))}
      {state.kind === 'downloading' ? (
        <div className="model-download" data-testid="model-download">
          <ProgressBar fraction={state.fraction} />
          <span className="muted">
            {state.precision}: {formatBytes(state.doneBytes)} of {formatBytes(state.totalBytes)}
          </span>
          <button type="button" data-testid="model-cancel" onClick={() => models.cancel(state.jobId)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="model-actions">
          {downloadablePrecisions(model).map((p) => (
            <button key={p} type="button" data-testid={`model-download-${p}`} onClick={() => models.download(model.id, p)}>
              Download {p}
            </button>
          ))}
          {installed && (
            <button type="button" data-testid="model-remove" onClick={() => models.remove(model.id)}>
              Remove
            </button>
          )}
          {state.failed && (
            <span className="model-error" data-testid="model-failed">
              {state.failed}
            </span>
          )}
        </div>
      )}
    </li>
  );
}

/** The model cache: catalogue and imported models, downloads with progress, import from a path, the analysis model. */
export function ModelsDialog({ models, onClose }: { models: ModelsState; onClose(): void }) {
  const [path, setPath] = useState('');
  const { list } = models;
  const using = list ? analysisModel(list, models.chosen) : null;
  return (
    <div className="models-backdrop" onClick={onClose}>
      <section className="models-dialog" role="dialog" aria-label="Models" data-testid="models-dialog" onClick={(e) => e.stopPropagation()}>
        <header className="models-header">
          <h2>Models</h2>
          <button type="button" aria-label="Close" data-testid="models-close" onClick={onClose}>
            Close
          </button>
        </header>
        {using && (
          <p className="models-using" data-testid="analysis-model" data-model={using.id}>
            Analysis uses <strong>{using.name}</strong>
            {!using.chosen && <span className="muted"> (default)</span>}
            {using.chosen && (
              <button type="button" className="link" onClick={() => models.choose(null)}>
                use the default
              </button>
            )}
          </p>
        )}
        {models.error && (
          <div className="model-error" role="alert" data-testid="models-error">
            {models.error}
          </div>
        )}
        {list === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="model-list">
            {list.models.map((m) => (
              <ModelRow key={m.id} model={m} models={models} selectedForAnalysis={using?.id === m.id} />
            ))}
          </ul>
        )}
        <form
          className="model-import"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim() !== '') models.importPath(path.trim());
          }}
        >
          <input
            type="text"
            aria-label="Model folder or .onnx file"
            data-testid="model-import-path"
            placeholder="/path/to/model-folder or model.onnx (offline import)"
            spellCheck={false}
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" data-testid="model-import" disabled={models.importing || path.trim() === ''}>
            {models.importing ? 'Importing…' : 'Import'}
          </button>
        </form>
        {models.importNotes.map((note) => (
          <div key={note} className="model-note" data-testid="model-import-note">
            {note}
          </div>
        ))}
        {list && <p className="models-cache muted">Cache: {list.cacheDir}</p>}
      </section>
    </div>
  );
}
