import type { OutputFeature } from './platform/feature.js';
import { consoleFeature } from './console/index.js';
import { historyFeature } from './history/index.js';
import { retentionFeature } from './retention/index.js';

/** Every slice of the output service. */
export const outputFeatures: OutputFeature[] = [consoleFeature, historyFeature, retentionFeature];
