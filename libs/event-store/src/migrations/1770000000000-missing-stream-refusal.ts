import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MISSING_STREAM_REFUSAL } from '../schema-names.js';

/**
 * The lone append statement's refusal (lone-append-statement.ts): its upsert creates a stream that an exact
 * expected version says exists; this raises, so the statement fails and nothing of it commits. Called only in
 * that case (a CASE branch), never on the way of an append that wins.
 */
export class MissingStreamRefusal1770000000000 implements MigrationInterface {
  name = 'MissingStreamRefusal1770000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION ${MISSING_STREAM_REFUSAL}(p_stream_id text, p_expected_version bigint) RETURNS bigint
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'append to % expected version % but the stream does not exist (answered as a conflict)', p_stream_id, p_expected_version
          USING ERRCODE = 'no_data_found';
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION ${MISSING_STREAM_REFUSAL}(text, bigint)`);
  }
}
