/** Event-store stream names: `<type>-<id>`. */
export const StreamType = {
  agent: 'agent',
  script: 'script',
  container: 'container',
  org: 'org',
} as const;
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

export const streamId = (type: StreamType, id: number | string): string => `${type}-${id}`;
