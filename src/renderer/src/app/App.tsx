import { useState } from 'react';
import { ModelsDialog } from '../features/models/ModelsDialog';
import { modelOffer } from '../features/models/models-state';
import { useModels } from '../features/models/use-models';
import { ImageResourcesProvider } from '../features/thumbnails/image-resources';
import { OpenFolderForm } from '../features/dataset/OpenFolderForm';
import { useDatasetSession } from './use-dataset-session';
import { Workspace } from './Workspace';
import './app.css';

function Welcome({ connected }: { connected: boolean }) {
  return (
    <div className="welcome" data-testid="welcome">
      {connected ? (
        <>
          <h1>Open an image dataset</h1>
          <p>
            Type the path of a folder above: images in one folder per class, or any layout with a <code>labels.csv</code>{' '}
            (<code>path,label</code>). A <code>predictions.csv</code> beside it colours the map by model error.
          </p>
        </>
      ) : (
        <p className="muted">Connecting to the engine…</p>
      )}
    </div>
  );
}

export function App() {
  const session = useDatasetSession();
  const { summary, info } = session;
  const models = useModels();
  const [modelsOpen, setModelsOpen] = useState(false);
  const [offerDismissed, setOfferDismissed] = useState(false);
  const offer = offerDismissed ? null : modelOffer(summary?.embedder?.id ?? null, models.list);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
            <circle cx="5" cy="6" r="2.2" fill="#5b9cff" />
            <circle cx="12" cy="4.5" r="1.6" fill="#59a14f" />
            <circle cx="13" cy="12" r="2.6" fill="#f43f3f" />
            <circle cx="6" cy="13" r="1.8" fill="#edc948" />
          </svg>
          Dataset Health
          {info && <span className="version">v{info.version}</span>}
        </div>
        <OpenFolderForm initialPath={summary?.root ?? info?.initialDataset?.root ?? ''} busy={session.opening} onOpen={session.open} />
        <button type="button" data-testid="models-open" onClick={() => setModelsOpen(true)}>
          Models
        </button>
      </header>
      {modelsOpen && <ModelsDialog models={models} onClose={() => setModelsOpen(false)} />}
      {offer && (
        <div className="notice" role="status" data-testid="model-offer">
          <span>{offer}</span>
          <span className="notice-actions">
            <button type="button" onClick={() => setModelsOpen(true)}>
              Models…
            </button>
            <button type="button" onClick={() => setOfferDismissed(true)} aria-label="Dismiss">
              Dismiss
            </button>
          </span>
        </div>
      )}
      {session.error && (
        <div className="banner" role="alert" data-testid="error-banner">
          <span>{session.error}</span>
          <button type="button" onClick={session.dismissError} aria-label="Dismiss">
            Dismiss
          </button>
        </div>
      )}
      {summary ? (
        <ImageResourcesProvider datasetId={summary.id}>
          <Workspace
            key={summary.id}
            summary={summary}
            points={session.points}
            scores={session.scores}
            clusters={session.clusters}
            xy={session.xy}
            xySource={session.xySource}
            jobs={session.jobs}
            onAnalyze={() => session.analyze(models.chosen ?? undefined)}
            provider={{ choices: info?.capabilities.executionProviders ?? [], value: session.provider, onChange: session.setProvider }}
            onCancel={session.cancel}
          />
        </ImageResourcesProvider>
      ) : (
        <Welcome connected={info !== null} />
      )}
    </div>
  );
}
