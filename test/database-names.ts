/** Every database a test run creates starts with this, so a run can clean up after itself. */
export function testDatabasePrefix(runId: string): string {
  return `sluice_test_${runId}_`;
}

/** The same server and credentials as `serverUrl`, another database. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
