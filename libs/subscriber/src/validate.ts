import { Ajv, type ValidateFunction } from 'ajv';
import { LIFECYCLE_EVENT_TYPES, lifecycleEventSchema, type LifecycleEvent, type LifecycleEventType } from '@agentry/events';

let validators: Map<LifecycleEventType, ValidateFunction> | undefined;

function compiled(): Map<LifecycleEventType, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    validators = new Map(LIFECYCLE_EVENT_TYPES.map((type) => [type, ajv.compile(lifecycleEventSchema(type))]));
  }
  return validators;
}

/** Checks a decoded message against its type's published schema; answers the problem, or null when it conforms. */
export function lifecycleEventProblem(value: unknown): string | null {
  const type = (value as { type?: unknown } | null)?.type;
  const validate = compiled().get(type as LifecycleEventType);
  if (!validate) return `unknown event type ${JSON.stringify(type)}`;
  if (validate(value)) return null;
  const [first] = validate.errors ?? [];
  return `${type}: ${first?.instancePath || '(root)'} ${first?.message ?? 'is invalid'}`;
}

export function isValidLifecycleEvent(value: unknown): value is LifecycleEvent {
  return lifecycleEventProblem(value) === null;
}
