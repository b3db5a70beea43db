import { useLayoutEffect, useState, type RefObject } from 'react';

export interface ElementSize {
  widthPx: number;
  heightPx: number;
}

/** The element's content size, kept current with a ResizeObserver. */
export function useElementSize(ref: RefObject<HTMLElement | null>): ElementSize {
  const [size, setSize] = useState<ElementSize>({ widthPx: 0, heightPx: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = (): void => {
      const widthPx = element.clientWidth;
      const heightPx = element.clientHeight;
      setSize((s) => (s.widthPx === widthPx && s.heightPx === heightPx ? s : { widthPx, heightPx }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
