/**
 * The run's progress (the script's `progressHint`) as one line redrawn in place on a terminal:
 * `[#######-------------]  35% label`. Output lines are written above it (`clear` before, `draw`
 * after). On a pipe it draws nothing.
 */
export class ProgressBar {
  private shown = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly width = 24,
  ) {}

  get enabled(): boolean {
    return !!this.stream.isTTY;
  }

  static render(progress: number, label: string | null, width = 24): string {
    const ratio = Math.min(1, Math.max(0, Number.isFinite(progress) ? progress : 0));
    const filled = Math.round(ratio * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%${label ? ` ${label}` : ''}`;
  }

  update(progress: number, label: string | null): void {
    if (!this.enabled) return;
    this.shown = ProgressBar.render(progress, label, this.width);
    this.draw();
  }

  draw(): void {
    if (this.enabled && this.shown) this.stream.write(`\r\u001b[2K${this.shown}`);
  }

  clear(): void {
    if (this.enabled && this.shown) this.stream.write('\r\u001b[2K');
  }
}
