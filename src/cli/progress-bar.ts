/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, and
 * printed at most every few seconds as plain lines otherwise (CI logs).
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 24,
  ) {}

  /** `done` and `total` in any unit; `format` renders them (bytes, rows). */
  update(done: number, total: number, format: (n: number) => string = String): void {
    const now = Date.now();
    const finished = total > 0 && done >= total;
    if (!finished && now - this.lastDraw < (this.stream.isTTY ? 100 : 5000)) return;
    this.lastDraw = now;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * this.width);
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && total > done ? ` eta ${formatSeconds((total - done) / rate)}` : "";
    const line =
      `${this.label} [${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${(ratio * 100).toFixed(1)}% ` +
      `${format(done)}/${format(total)} ${format(rate)}/s${eta}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K${finished ? "\n" : ""}`);
    else this.stream.write(`${line}\n`);
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${Math.round(seconds % 60)}s`
    : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
