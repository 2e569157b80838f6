// Download progress for the CLI: the shape fetchToCache reports and a printer that writes a
// line only for large files and only at coarse steps (every 10 % or every MiB when the size is
// unknown), so a log or a serial console is not flooded. Pure: no clock; throttling is by bytes.

export interface Progress {
  /** Chute file name. */
  name: string;
  bytes: number;
  /** Size when known (Content-Length or the local file size). */
  total?: number;
  /** 0..100, whole numbers, when total is known. */
  percent?: number;
}

export interface PrinterOptions {
  /** Files smaller than this print nothing. */
  minBytes?: number;
  stepPercent?: number;
  /** Step when the total is unknown. */
  stepBytes?: number;
}

const MiB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MiB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${(n / (1024 * MiB)).toFixed(2)} GiB`;
}

export function formatProgress(p: Progress): string {
  const name = JSON.stringify(p.name);
  if (p.total === undefined) return `fetching ${name}: ${formatBytes(p.bytes)}`;
  const percent = p.percent ?? percentOf(p.bytes, p.total);
  return `fetching ${name}: ${formatBytes(p.bytes)} of ${formatBytes(p.total)} (${percent}%)`;
}

export function percentOf(bytes: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((bytes * 100) / total));
}

/** Returns an onProgress callback writing one line (with "\n") per step through `write`. */
export function createProgressPrinter(write: (line: string) => void, opts: PrinterOptions = {}): (p: Progress) => void {
  const minBytes = opts.minBytes ?? MiB;
  const stepPercent = opts.stepPercent ?? 10;
  const stepBytes = opts.stepBytes ?? MiB;
  const lastStep = new Map<string, number>();
  return (p) => {
    const large = (p.total ?? p.bytes) >= minBytes;
    if (!large) return;
    const step = p.total === undefined
      ? Math.floor(p.bytes / stepBytes)
      : Math.floor((p.percent ?? percentOf(p.bytes, p.total)) / stepPercent);
    if (lastStep.get(p.name) === step) return;
    lastStep.set(p.name, step);
    write(formatProgress(p) + '\n');
  };
}
