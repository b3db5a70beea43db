import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApiClient } from './api/transport';
import { ApiProvider } from './app/api-context';
import { App } from './app/App';
import './app/theme.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');

createRoot(rootElement).render(
  <StrictMode>
    <ApiProvider client={getApiClient()}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
