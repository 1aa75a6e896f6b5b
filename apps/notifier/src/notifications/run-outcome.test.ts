import { NOTIFICATION_FLAGS, type AgentNotifications, type ContainerEndedData } from '@agentry/contracts';
import { channelsFor, outcomeSentence, runOutcomeOf, runTriggerOf, type RunOutcome, type RunTrigger } from './run-outcome.js';

const end = (e: Partial<ContainerEndedData>) => ({ endType: 'finished' as const, exitCode: 0, launchFailed: false, ...e });

test.each([
  [end({}), 'ExitSuccess'],
  [end({ exitCode: 1 }), 'ExitError'],
  [end({ endType: 'killed', exitCode: null }), 'ExitError'],
  [end({ endType: 'unknown', exitCode: null }), 'ExitError'],
  [end({ endType: 'agent timeout', exitCode: null }), 'TimeError'],
  [end({ endType: 'org timeout', exitCode: null }), 'TimeError'],
  [end({ endType: 'global timeout', exitCode: null }), 'TimeError'],
  [end({ endType: 'no log timeout', exitCode: null }), 'TimeError'],
  [end({ launchFailed: true, endType: 'unknown', exitCode: null }), 'LaunchError'],
] as const)('%j is the outcome %s', (e, outcome) => {
  expect(runOutcomeOf(e)).toBe(outcome);
});

test.each([
  ['manual', 'Manual'],
  ['user api call', 'Manual'],
  ['scheduled once', 'Automatic'],
  ['scheduled repeatedly', 'Automatic'],
  ['scheduled after agent', 'Automatic'],
  ['retry', 'Automatic'],
])('a %s launch is %s', (launchType, trigger) => {
  expect(runTriggerOf(launchType)).toBe(trigger);
});

// The whole table: each single flag fires for its own (trigger, outcome) and for no other one.
const TRIGGERS: RunTrigger[] = ['Manual', 'Automatic'];
const OUTCOMES: RunOutcome[] = ['ExitSuccess', 'ExitError', 'LaunchError', 'TimeError'];
test.each(NOTIFICATION_FLAGS.map((f) => [f]))('only %s fires on its own outcome', (flag) => {
  const settings: AgentNotifications = { [flag]: true, slackWebHook: 'https://hooks.slack.example/T/B/x' };
  for (const trigger of TRIGGERS) {
    for (const outcome of OUTCOMES) {
      const fired = channelsFor(settings, trigger, outcome);
      expect(fired.mail).toBe(flag === `mail${trigger}${outcome}`);
      expect(fired.slack).toBe(flag === `slack${trigger}${outcome}`);
    }
  }
});

test('no settings fire nothing; a flag set to false fires nothing', () => {
  expect(channelsFor({ slackManualExitError: false, mailManualExitError: false }, 'Manual', 'ExitError')).toEqual({ mail: false, slack: false });
  expect(channelsFor(null, 'Manual', 'ExitError')).toEqual({ mail: false, slack: false });
});

test('an agent name cannot inject a header or a line: control characters are blanked, the name bounded', () => {
  const sentence = outcomeSentence('x\r\nBcc: victim@example.test\u0000' + 'n'.repeat(500), 'Manual', 'ExitSuccess');
  for (const control of ['\r', '\n', '\u0000']) expect(sentence).not.toContain(control);
  expect(sentence.length).toBeLessThan(300);
  // Control: an ordinary name is kept as it is.
  expect(outcomeSentence('LinkedIn scraper', 'Automatic', 'TimeError')).toBe('Agent "LinkedIn scraper" was stopped by a time limit (automatic launch)');
});
