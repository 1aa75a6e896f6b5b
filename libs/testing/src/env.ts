/** Admin URL of the Postgres server the Jest global setup started for this run. */
export const TEST_PG_URL_ENV = 'AGENTRY_TEST_PG_URL';

export function testPostgresUrl(): string {
  const url = process.env[TEST_PG_URL_ENV];
  if (!url) {
    throw new Error(
      `${TEST_PG_URL_ENV} is not set: run tests through the root jest.config.js (its globalSetup starts Postgres), ` +
        `or set ${TEST_PG_URL_ENV} to an admin URL of a Postgres server you provide`,
    );
  }
  return url;
}
