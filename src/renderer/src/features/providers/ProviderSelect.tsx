import './providers.css';
import { providerTitle } from './provider-text';

/** Where embedding runs: 'auto' or one execution provider of those the engine offers. Hidden when it offers none. */
export function ProviderSelect({ choices, value, onChange }: { choices: readonly string[]; value: string; onChange(provider: string): void }) {
  if (choices.length === 0) return null;
  return (
    <label className="provider-select">
      <span className="muted">Run on</span>
      <select aria-label="Execution provider" data-testid="provider-select" value={value} onChange={(e) => onChange(e.target.value)}>
        {choices.map((name) => (
          <option key={name} value={name}>
            {providerTitle(name)}
          </option>
        ))}
      </select>
    </label>
  );
}
