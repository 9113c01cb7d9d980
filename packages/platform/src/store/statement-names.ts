import { createHash } from 'node:crypto';

/**
 * Names for statements whose text is assembled per request but comes in few shapes, such as FHIR
 * searches (one text per combination of parameters, modifiers and value counts; the values travel
 * as parameters). A named statement is parsed once per connection, and after five runs PostgreSQL
 * may keep one generic plan for it instead of planning each run ("PREPARE", Notes: plan_cache_mode
 * auto), which for a one-patient series search was two fifths of its time in the database.
 *
 * Every name stays prepared for the life of a connection, so only the first `limit` distinct texts
 * get one; later texts run unnamed. A client that keeps sending new shapes cannot make the
 * statements a connection holds grow without bound.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly limit = 256,
  ) {}

  /** The name for this text, or undefined once `limit` other texts hold names. */
  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || this.names.size >= this.limit) return known;
    const name = `${this.prefix}${createHash('sha1').update(sql).digest('base64url')}`;
    this.names.set(sql, name);
    return name;
  }
}
