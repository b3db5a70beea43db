import { useState } from 'react';
import './dataset.css';

/** A typed path and an Open button; the desktop shell can add a native folder dialog next to it. */
export function OpenFolderForm({ initialPath, busy, onOpen }: { initialPath: string; busy: boolean; onOpen(root: string): void }) {
  const [path, setPath] = useState(initialPath);
  const [editedPath, setEditedPath] = useState(false);
  // Follow the dataset that is open until the user starts typing.
  const shownPath = editedPath ? path : initialPath;
  return (
    <form
      className="open-folder"
      onSubmit={(e) => {
        e.preventDefault();
        const root = shownPath.trim();
        if (root !== '') onOpen(root);
      }}
    >
      <input
        type="text"
        aria-label="Dataset folder"
        data-testid="open-path"
        placeholder="/path/to/dataset"
        spellCheck={false}
        value={shownPath}
        onChange={(e) => {
          setEditedPath(true);
          setPath(e.target.value);
        }}
      />
      <button type="submit" data-testid="open-button" disabled={busy || shownPath.trim() === ''}>
        {busy ? 'Opening…' : 'Open folder'}
      </button>
    </form>
  );
}
