import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.js';
import type { PostOutcome } from '../webhooks/http-post.js';

/** What a mail delivery row carries (its body, JSON): who, subject, plain text. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  /** Never throws: the outcome is logged as an attempt like a webhook's (status = the SMTP reply code). */
  send(message: MailMessage, timeoutMs: number): Promise<PostOutcome>;
  close(): void;
}

const EXCERPT = 1024;

/** Mail through the operator's SMTP server (nodemailer), one pooled transport per replica. */
export function smtpMailer(config: MailConfig): Mailer {
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(message, timeoutMs) {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      let timer: NodeJS.Timeout | undefined;
      try {
        const info = await Promise.race([
          transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text }),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs))),
        ]);
        const response = String(info.response ?? '');
        return { statusCode: Number(/^\d{3}/.exec(response)?.[0] ?? 250), latencyMs: latencyMs(), responseExcerpt: response.slice(0, EXCERPT), error: null };
      } catch (error) {
        const e = error as { responseCode?: number; message?: string };
        // The SMTP URL (which may hold a password) is never part of the message nodemailer builds.
        return { statusCode: e.responseCode ?? null, latencyMs: latencyMs(), responseExcerpt: null, error: String(e.message ?? error).slice(0, EXCERPT) };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transport.close(),
  };
}
