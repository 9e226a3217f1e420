import { FIT, stepZoom, ZOOM_STEPS } from './zoom';

interface Props {
  zoom: number;
  onZoom(zoom: number): void;
  /** Shown beside the buttons: the page's size on screen, e.g. "120%" (PDF) or the text size. */
  label: string;
  /** The accessible name of the middle button, which resets the zoom. */
  resetName?: string;
}

/** Zoom out, fit width, zoom in; `+`, `-` and `0` do the same while the viewer has focus. */
export function ZoomControls({ zoom, onZoom, label, resetName = 'Fit width' }: Props) {
  return (
    <div class="zoom" role="group" aria-label="Zoom">
      <button
        type="button"
        class="icon"
        onClick={() => onZoom(stepZoom(zoom, -1))}
        disabled={zoom <= ZOOM_STEPS[0]}
        aria-label="Zoom out"
        title="Zoom out (-)"
      >
        −
      </button>
      <button
        type="button"
        class="quiet fit"
        onClick={() => onZoom(FIT)}
        aria-pressed={zoom === FIT}
        aria-label={resetName}
        title={`${resetName} (0)`}
      >
        <span data-testid="zoom-level">{label}</span>
      </button>
      <button
        type="button"
        class="icon"
        onClick={() => onZoom(stepZoom(zoom, 1))}
        disabled={zoom >= ZOOM_STEPS[ZOOM_STEPS.length - 1]}
        aria-label="Zoom in"
        title="Zoom in (+)"
      >
        +
      </button>
    </div>
  );
}
