import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient } from '../../../../shared/api/client';
import type { ImageRecord } from '../../../../shared/model/dataset';
import { useApi } from '../../app/api-context';
import { errorMessage } from '../../app/error-message';
import { ThumbnailCache, type ThumbnailResult } from './thumbnail-cache';

/** Enough for a few screens of grid cells plus hover cards; each entry is a small WebP. */
const THUMBNAIL_CAPACITY = 800;
const THUMBNAILS_IN_FLIGHT = 6;
const RECORD_CAPACITY = 2000;

interface ImageResources {
  datasetId: string;
  thumbnails: ThumbnailCache;
  record(index: number): Promise<ImageRecord>;
}

const ImageResourcesContext = createContext<ImageResources | null>(null);

function webpObjectUrl(bytes: Uint8Array): string {
  // Copy into a plain ArrayBuffer: the bytes may be a view on a larger transport frame.
  return URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'image/webp' }));
}

function createResources(client: ApiClient, datasetId: string): ImageResources {
  const thumbnails = new ThumbnailCache({
    capacity: THUMBNAIL_CAPACITY,
    maxInFlight: THUMBNAILS_IN_FLIGHT,
    load: (key) => client.call('image.thumbnail', { datasetId: key.datasetId, index: key.index, size: key.sizePx }),
    createUrl: webpObjectUrl,
    revokeUrl: (url) => URL.revokeObjectURL(url),
  });
  const records = new Map<number, Promise<ImageRecord>>();
  return {
    datasetId,
    thumbnails,
    record(index) {
      let found = records.get(index);
      if (found) {
        records.delete(index);
      } else {
        found = client.call('image.record', { datasetId, index });
        // A failed lookup is not remembered, so hovering again retries.
        found.catch(() => records.delete(index));
      }
      records.set(index, found);
      if (records.size > RECORD_CAPACITY) records.delete(records.keys().next().value!);
      return found;
    },
  };
}

/** Thumbnails and image records of one dataset; object URLs are revoked when the dataset closes. */
export function ImageResourcesProvider({ datasetId, children }: { datasetId: string; children: ReactNode }) {
  const client = useApi();
  const resources = useMemo(() => createResources(client, datasetId), [client, datasetId]);
  useEffect(() => () => resources.thumbnails.clear(), [resources]);
  return <ImageResourcesContext.Provider value={resources}>{children}</ImageResourcesContext.Provider>;
}

function useImageResources(): ImageResources {
  const resources = useContext(ImageResourcesContext);
  if (!resources) throw new Error('image hooks need an <ImageResourcesProvider> above them');
  return resources;
}

type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/** The thumbnail of image `index` as an object URL, fetched when first needed; null index means none. */
export function useThumbnail(index: number | null, sizePx: number): Loadable<string> {
  const { datasetId, thumbnails } = useImageResources();
  const requestKey = index === null ? null : `${datasetId}/${sizePx}/${index}`;
  const [result, setResult] = useState<{ key: string; value: ThumbnailResult } | null>(null);
  useEffect(() => {
    if (index === null || requestKey === null) return;
    return thumbnails.subscribe({ datasetId, index, sizePx }, (value) => setResult({ key: requestKey, value }));
  }, [thumbnails, datasetId, index, sizePx, requestKey]);
  if (result === null || result.key !== requestKey) {
    const cached = index === null ? null : thumbnails.peek({ datasetId, index, sizePx });
    return cached === null ? { state: 'loading' } : { state: 'ready', value: cached };
  }
  return 'url' in result.value ? { state: 'ready', value: result.value.url } : { state: 'error', message: result.value.error };
}

/** The engine's record of image `index` (path, label, prediction); null index means none. */
export function useImageRecord(index: number | null): Loadable<ImageRecord> {
  const { record } = useImageResources();
  const [result, setResult] = useState<{ index: number; value: Loadable<ImageRecord> } | null>(null);
  useEffect(() => {
    if (index === null) return;
    let live = true;
    record(index).then(
      (value) => live && setResult({ index, value: { state: 'ready', value } }),
      (err: unknown) => live && setResult({ index, value: { state: 'error', message: errorMessage(err) } }),
    );
    return () => {
      live = false;
    };
  }, [record, index]);
  return result !== null && result.index === index ? result.value : { state: 'loading' };
}
