import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../app/error-message';
import { useApi } from '../../app/api-context';
import { textResultsTitle, type RankedResults } from './search-results';
import './search.css';

/** How many images a text search brings into the grid. */
export const SEARCH_TOP_K = 100;

/** Text-to-image search: the hits replace the selection, in score order. Says inline why when it cannot search. */
export function SearchBar(props: { datasetId: string; disabled: boolean; onResults(results: RankedResults): void }) {
  const client = useApi();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (text.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const hits = await client.call('search.text', { datasetId: props.datasetId, text, topK: SEARCH_TOP_K });
      props.onResults({ ...hits, title: textResultsTitle(text) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="search-bar" role="search" onSubmit={(e) => void submit(e)}>
      <input
        type="search"
        data-testid="search-input"
        aria-label="Search images by text"
        placeholder="Search images by text, e.g. “a dog on grass”"
        value={text}
        disabled={props.disabled}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" data-testid="search-submit" disabled={props.disabled || busy || text.trim() === ''}>
        {busy ? 'Searching…' : 'Search'}
      </button>
      {error !== null && (
        <div className="search-error" role="alert" data-testid="search-error">
          {error}
        </div>
      )}
    </form>
  );
}
