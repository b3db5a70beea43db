import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../app/error-message';
import { parseWordList } from './search-results';
import './search.css';

/**
 * A comma-separated word list and a button: names clusters, or labels images by zero-shot. Shows why inline when
 * the call fails (e.g. the model has no text tower).
 */
export function WordListForm(props: {
  testId: string;
  label: string;
  placeholder: string;
  button: string;
  busyButton: string;
  onSubmit(words: string[] | undefined): Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(parseWordList(text));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="word-list-form" data-testid={props.testId} onSubmit={(e) => void submit(e)}>
      <input type="text" aria-label={props.label} placeholder={props.placeholder} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={busy}>
        {busy ? props.busyButton : props.button}
      </button>
      {error !== null && (
        <div className="search-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
