import type { ReactNode } from 'react';
import type { DatasetSummary, EmbedderInfo, InputProblem } from '../../../../shared/model/dataset';
import { describeProviderUse } from '../providers/provider-text';
import './dataset.css';

/** Rendering thousands of problem rows would stall the panel; the rest are counted. */
const PROBLEMS_SHOWN = 300;

const LABEL_SOURCES: Record<DatasetSummary['labelSource'], string> = {
  folders: 'class folders',
  csv: 'labels CSV',
  none: 'no labels',
};

function problemLocation(problem: InputProblem): string {
  return problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** The execution provider the model ran on; the providers passed over (with why) on hover. */
function ProviderFact({ embedder }: { embedder: EmbedderInfo }) {
  const use = describeProviderUse(embedder);
  if (use === null) return null;
  return (
    <Fact term="Runs on">
      <span title={use.title} data-testid="execution-provider">
        {use.provider}
        {use.skippedNote && <span className="muted"> · {use.skippedNote}</span>}
      </span>
    </Fact>
  );
}

export function SummaryPanel({ summary }: { summary: DatasetSummary }) {
  const { predictions, embedder, layout, problems, detection } = summary;
  return (
    <section className="summary" data-testid="summary">
      <h2 className="summary-name" title={summary.root}>
        {summary.name}
      </h2>
      <div className="summary-root mono" title={summary.root}>
        {summary.root}
      </div>
      <dl className="facts">
        <Fact term="Images">
          <span data-testid="image-count">{summary.imageCount.toLocaleString()}</span>
          {summary.skippedCount > 0 && <span className="skipped"> · {summary.skippedCount.toLocaleString()} unreadable</span>}
        </Fact>
        {detection ? (
          <Fact term="Boxes">
            {detection.gtBoxes.toLocaleString()} <span className="muted">in {summary.classes.length.toLocaleString()} classes ({detection.format.toUpperCase()})</span>
          </Fact>
        ) : (
          <Fact term="Classes">
            {summary.classes.length.toLocaleString()} <span className="muted">from {LABEL_SOURCES[summary.labelSource]}</span>
          </Fact>
        )}
        <Fact term="Predictions">
          {predictions === null ? (
            <span className="muted">none</span>
          ) : (
            <>
              {predictions.matched.toLocaleString()} matched
              {predictions.missing > 0 && <span className="muted"> · {predictions.missing.toLocaleString()} missing</span>}
            </>
          )}
        </Fact>
        {predictions?.accuracy != null && (
          <Fact term={detection ? 'Images right' : 'Accuracy'}>
            <strong>{(predictions.accuracy * 100).toFixed(1)}%</strong>
          </Fact>
        )}
        <Fact term="Embedder">
          {embedder === null ? (
            <span className="muted">not embedded yet</span>
          ) : (
            <span title={`${embedder.id}, ${embedder.dim} dimensions`}>{embedder.name}</span>
          )}
        </Fact>
        {embedder && <ProviderFact embedder={embedder} />}
        <Fact term="Layout">
          {layout === null ? (
            <span className="muted">none yet</span>
          ) : (
            <>
              {layout.method.toUpperCase()} <span className="muted">· {layout.pointCount.toLocaleString()} points</span>
            </>
          )}
        </Fact>
      </dl>
      {problems.length === 0 ? (
        <div className="problems-none">No input problems</div>
      ) : (
        <details className="problems" data-testid="problems">
          <summary>
            <span className="problems-count">{problems.length.toLocaleString()}</span> input {problems.length === 1 ? 'problem' : 'problems'}
          </summary>
          <ul>
            {problems.slice(0, PROBLEMS_SHOWN).map((problem, i) => (
              <li key={`${problem.file}:${problem.line ?? ''}:${i}`}>
                <div className="problem-file mono">{problemLocation(problem)}</div>
                <div className="problem-message">
                  {problem.message} <span className="problem-kind">{problem.kind}</span>
                </div>
              </li>
            ))}
          </ul>
          {problems.length > PROBLEMS_SHOWN && (
            <div className="muted">…and {(problems.length - PROBLEMS_SHOWN).toLocaleString()} more</div>
          )}
        </details>
      )}
    </section>
  );
}
