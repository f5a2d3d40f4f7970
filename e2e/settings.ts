/** One place for what the browser tests and their server share. */
const port = Number(process.env.E2E_PORT ?? 3210);

export const E2E = {
  port,
  baseUrl: `http://localhost:${port}`,
  dataDir: ".data/e2e",
  admin: { email: "admin@e2e.test", password: "e2e-admin-password-1" },
  adminState: ".test-results/admin-state.json",
};
