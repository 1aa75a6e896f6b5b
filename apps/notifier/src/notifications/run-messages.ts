import type { MailMessage } from '../mail/mailer.js';
import type { endOfRunPayload } from '../webhooks/end-of-run-payload.js';
import { outcomeSentence, type RunOutcome, type RunTrigger } from './run-outcome.js';

type EndOfRun = ReturnType<typeof endOfRunPayload>;

const details = (p: EndOfRun): string =>
  [
    `Agent: ${p.agentName} (id ${p.agentId})`,
    `Run (container): ${p.containerId}, launched by: ${p.launchType}`,
    `End: ${p.endMessage} (${p.exitMessage}${p.exitCode === null ? '' : `, exit code ${p.exitCode}`})`,
    `Ran for ${Math.round(p.runDuration / 1000)} s, ended at ${new Date(p.endedAt).toISOString()}`,
  ].join('\n');

/** Slack incoming-webhook body: one JSON text message. */
export const slackMessage = (p: EndOfRun, trigger: RunTrigger, outcome: RunOutcome): string =>
  JSON.stringify({ text: `${outcomeSentence(p.agentName, trigger, outcome)}\n${details(p)}` });

export const runMail = (to: string[], p: EndOfRun, trigger: RunTrigger, outcome: RunOutcome): MailMessage => ({
  to,
  subject: `[Agentry] ${outcomeSentence(p.agentName, trigger, outcome)}`,
  text: `${outcomeSentence(p.agentName, trigger, outcome)}.\n\n${details(p)}\n`,
});
