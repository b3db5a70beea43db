import { useState } from 'react';
import { useThumbnail } from './image-resources';
import './thumbnail.css';

/** Below this natural size a thumbnail is upscaled with hard pixels: blurring a 28-px image hides what it shows. */
const PIXELATED_BELOW_PX = 64;

export function Thumbnail({ index, sizePx, alt }: { index: number; sizePx: number; alt: string }) {
  const thumbnail = useThumbnail(index, sizePx);
  const [pixelated, setPixelated] = useState(false);
  if (thumbnail.state === 'error') {
    return (
      <div className="thumbnail thumbnail-error" title={thumbnail.message}>
        no preview
      </div>
    );
  }
  if (thumbnail.state === 'loading') return <div className="thumbnail thumbnail-loading" />;
  return (
    <img
      className={`thumbnail${pixelated ? ' pixelated' : ''}`}
      src={thumbnail.value}
      alt={alt}
      draggable={false}
      onLoad={(e) => setPixelated(Math.max(e.currentTarget.naturalWidth, e.currentTarget.naturalHeight) < PIXELATED_BELOW_PX)}
    />
  );
}
