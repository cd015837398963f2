/**
 * `@marr/core/testing`: helpers for tests and benchmarks, not part of the runtime API: locating the
 * read-only shared/ reference folder (`sharedRoot`, `sharedFixture`, which skip with a reason or fail
 * under MARR_REQUIRE_FIXTURES=1), and what plugin tests share (`silentProgress`, `testIo`, `WordTokenizer`).
 */
export * from './fixtures/shared.js';
export * from './fixtures/test-helpers.js';
