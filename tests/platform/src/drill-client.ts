/**
 * The drill's HTTP client: a load balancer and a patient user in one. Each request goes to the next
 * gateway replica in turn; every answer is counted by status (a connection refused or reset by a
 * dead gateway is counted apart: it is not an answer), and a 503 without `Retry-After` is noted.
 */
export type Outcome = number | 'refused' | 'timeout';

export interface Answer {
  outcome: Outcome;
  body?: any;
  retryAfter?: string | null;
}

const REQUEST_TIMEOUT_MS = 20_000;

export class DrillClient {
  readonly counts = new Map<Outcome, number>();
  /** Answers that broke the contract: any 5xx but 503, or a 503 without Retry-After (method, path, status, body). */
  readonly violations: string[] = [];
  private next = 0;

  constructor(
    private readonly gatewayUrls: string[],
    private readonly key: string,
  ) {}

  /** A base URL of a gateway, in turn. */
  pickGateway(): string {
    const url = this.gatewayUrls[this.next % this.gatewayUrls.length]!;
    this.next += 1;
    return url;
  }

  record(outcome: Outcome): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  checkAnswer(what: string, status: number, headers: Headers, text: string): void {
    if (status >= 500 && status !== 503) this.violations.push(`${what} → ${status} ${text.slice(0, 300)}`);
    if (status === 503 && !headers.get('retry-after')) this.violations.push(`${what} → 503 without Retry-After`);
  }

  async request(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const base = this.pickGateway();
    const what = `${method} ${base}${path}`;
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { 'X-Phantombuster-Key-1': this.key, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const outcome: Outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'refused';
      this.record(outcome);
      return { outcome };
    }
    let text = '';
    try {
      text = await res.text();
    } catch {
      // The gateway died while answering: the status was sent, the body cut.
    }
    this.record(res.status);
    this.checkAnswer(what, res.status, res.headers, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { outcome: res.status, body, retryAfter: res.headers.get('retry-after') };
  }

  /**
   * Repeats a request (another gateway each time) until it is answered 2xx or `giveUpMs` passes,
   * waiting what Retry-After asks (capped) between tries: what a well-behaved client does.
   */
  async untilAccepted(method: string, path: string, json?: unknown, headers: Record<string, string> = {}, giveUpMs = 90_000): Promise<Answer> {
    const deadline = Date.now() + giveUpMs;
    for (;;) {
      const answer = await this.request(method, path, json, headers);
      if (typeof answer.outcome === 'number' && answer.outcome < 300) return answer;
      if (typeof answer.outcome === 'number' && answer.outcome < 500 && answer.outcome !== 429) return answer;
      if (Date.now() > deadline) return answer;
      const wait = Math.min(Number(answer.retryAfter ?? 1) || 1, 2) * 1000;
      await new Promise((resolve) => setTimeout(resolve, answer.outcome === 'refused' ? 100 : wait));
    }
  }

  summary(): string {
    return [...this.counts.entries()]
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
      .map(([outcome, n]) => `${outcome}: ${n}`)
      .join(', ');
  }
}
