import { LiquidEmbedder, type Embedder } from '@elegans/analysis';

/** Helpers shared by the analysis commands (analyze, batch, eval summaries, eval qa). */

/**
 * The liquid model, or null (lexical evidence only) with `--no-model` or when it cannot load; the
 * reason goes to stderr and reports carry `model: null`, so a missing model is never silent.
 */
export async function loadEmbedder(modelDir: string | undefined, disabled: boolean): Promise<LiquidEmbedder | null> {
  if (disabled) return null;
  try {
    return await LiquidEmbedder.load(modelDir ? { modelDir } : {});
  } catch (err) {
    process.stderr.write(
      `warning: liquid model not loaded (${err instanceof Error ? err.message : String(err)}); lexical evidence only\n`,
    );
    return null;
  }
}

export async function releaseEmbedder(e: Embedder | null): Promise<void> {
  if (e instanceof LiquidEmbedder) await e.release();
}

/** A one-line progress bar on stderr (redrawn in place on a TTY, a line per 10% otherwise). */
export function progressBar(label: string): (done: number, total: number, note?: string) => void {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done, total, note) => {
    const f = total > 0 ? done / total : 1;
    const width = 30;
    const fill = Math.round(f * width);
    const line = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}${note ? ` ${note}` : ''}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K${done >= total ? '\n' : ''}`);
    } else {
      const decile = Math.floor(f * 10);
      if (decile !== lastDecile || done >= total) {
        lastDecile = decile;
        process.stderr.write(`${line}\n`);
      }
    }
  };
}
