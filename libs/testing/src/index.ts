export { createTestDatabase, type TestDatabase } from './test-database.js';
export { parseNatsViolation, startTestNats, type NatsViolation, type TestNats } from './test-nats.js';
export { waitUntil, type WaitUntilOptions } from './wait-until.js';
export { TEST_PG_URL_ENV, testPostgresUrl } from './env.js';
export { ProjectionTestBed, useProjectionTestBed } from './projection-test-bed.js';
export { TestJetStream, useTestJetStream } from './test-jetstream.js';
export { compileFixture, type FixtureVerdict } from './compile-fixture.js';
