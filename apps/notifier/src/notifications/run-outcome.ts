import { blankControlCharacters } from './blank-control-characters.js';
import type { AgentNotifications, ContainerEndedData, ContainerLaunchType, NotificationFlag } from '@agentry/contracts';

/** The four outcomes the `mail*` / `slack*` flags name. */
export type RunOutcome = 'ExitSuccess' | 'ExitError' | 'LaunchError' | 'TimeError';
/** Who started the run: someone (the app or an API call) or the platform (a schedule, a chain, a retry). */
export type RunTrigger = 'Manual' | 'Automatic';

const MANUAL_LAUNCHES: readonly ContainerLaunchType[] = ['manual', 'user api call'];
const TIME_LIMITS = new Set(['global timeout', 'org timeout', 'agent timeout', 'no log timeout']);

export const runTriggerOf = (launchType: string): RunTrigger => ((MANUAL_LAUNCHES as readonly string[]).includes(launchType) ? 'Manual' : 'Automatic');

/**
 * Which of the four an end is. Checked in this order: never started → launch error; stopped by a time
 * limit (any of the timeouts) → time error; finished with exit code 0 → success; anything else (a non-zero
 * exit, killed, unknown) → exit error.
 */
export function runOutcomeOf(ended: Pick<ContainerEndedData, 'launchFailed' | 'endType' | 'exitCode'>): RunOutcome {
  if (ended.launchFailed === true) return 'LaunchError';
  if (TIME_LIMITS.has(ended.endType)) return 'TimeError';
  if (ended.endType === 'finished' && ended.exitCode === 0) return 'ExitSuccess';
  return 'ExitError';
}

/**
 * The channels an agent version asked to hear this end on: exactly the flag `<channel><Trigger><Outcome>`.
 * A Slack flag without a `slackWebHook` still counts: its delivery is logged as refused (no URL), not
 * silently skipped.
 */
export function channelsFor(n: AgentNotifications | null | undefined, trigger: RunTrigger, outcome: RunOutcome): { mail: boolean; slack: boolean } {
  const flag = (channel: 'mail' | 'slack') => `${channel}${trigger}${outcome}` as NotificationFlag;
  return { mail: n?.[flag('mail')] === true, slack: n?.[flag('slack')] === true };
}

const OUTCOME_TEXT: Record<RunOutcome, string> = {
  ExitSuccess: 'finished successfully',
  ExitError: 'ended with an error',
  LaunchError: 'could not be launched',
  TimeError: 'was stopped by a time limit',
};

/** One line for Slack and the mail subject: the agent, what happened, how it was launched. */
export function outcomeSentence(agentName: string, trigger: RunTrigger, outcome: RunOutcome): string {
  // The name is the org's text: no control characters into a mail subject or a Slack line, and bounded.
  const name = blankControlCharacters(agentName).slice(0, 200);
  return `Agent "${name}" ${OUTCOME_TEXT[outcome]} (${trigger === 'Manual' ? 'manual' : 'automatic'} launch)`;
}
