/**
 * Whether the embedded store can commit, from what its commits did: readiness must say "down" while
 * appends fail (disk full, I/O errors), not merely "the file answers SELECT 1".
 */
export class CommitHealth {
  private lastSuccessAt: number | undefined;
  private lastFailure: Error | undefined;

  constructor(
    /** After this long without a successful commit, only a fresh write proves the store healthy. */
    private readonly freshForMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  succeeded(): void {
    this.lastSuccessAt = this.now();
    this.lastFailure = undefined;
  }

  failed(error: unknown): void {
    this.lastFailure = error instanceof Error ? error : new Error(String(error));
  }

  /**
   * `ok`: a commit succeeded recently and none failed since. `probe`: nothing recent is known, or
   * the last commit failed: a write must show whether the store has recovered.
   */
  verdict(): 'ok' | 'probe' {
    if (this.lastFailure) return 'probe';
    if (this.lastSuccessAt === undefined) return 'probe';
    return this.now() - this.lastSuccessAt <= this.freshForMs ? 'ok' : 'probe';
  }

  get failure(): Error | undefined {
    return this.lastFailure;
  }
}
