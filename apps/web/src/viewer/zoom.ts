/**
 * Viewer zoom, relative to the page fitted to the available width (1 = fit width, the default).
 * Steps are the usual reading sizes; below fit a page shows whole on a phone, above it the page
 * scrolls inside its frame (never the whole screen).
 */
export const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4] as const;
export const FIT = 1;

/** The next step up (dir 1) or down (dir -1) from `zoom`, which need not be a step itself. */
export function stepZoom(zoom: number, dir: 1 | -1): number {
  if (dir > 0) return ZOOM_STEPS.find((s) => s > zoom + 1e-9) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
  return [...ZOOM_STEPS].reverse().find((s) => s < zoom - 1e-9) ?? ZOOM_STEPS[0]!;
}

/** What a key does to the zoom (`+`/`=`, `-`, `0`), or null for other keys and modified ones. */
export function zoomForKey(
  key: string,
  zoom: number,
  mods: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean } = {},
): number | null {
  if (mods.ctrlKey || mods.metaKey || mods.altKey) return null; // the browser's own zoom
  if (key === '+' || key === '=') return stepZoom(zoom, 1);
  if (key === '-' || key === '_') return stepZoom(zoom, -1);
  if (key === '0') return FIT;
  return null;
}

/**
 * Canvas backing-store pixels per CSS pixel: the device ratio, lowered when a zoomed page would
 * exceed `maxPixels` (browsers refuse or blank canvases past about 16.7 million pixels).
 */
export function backingRatio(cssWidth: number, cssHeight: number, dpr: number, maxPixels = 16_000_000): number {
  const want = Math.max(1, dpr || 1);
  const area = cssWidth * cssHeight;
  if (!(area > 0)) return want;
  return Math.min(want, Math.sqrt(maxPixels / area));
}

/** Zoom keys act on the viewer, except while typing (the page number field). */
export function onZoomKey(
  e: Pick<KeyboardEvent, 'key' | 'target' | 'ctrlKey' | 'metaKey' | 'altKey' | 'preventDefault'>,
  zoom: number,
  setZoom: (z: number) => void,
): void {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
  const z = zoomForKey(e.key, zoom, e);
  if (z === null) return;
  e.preventDefault();
  setZoom(z);
}
