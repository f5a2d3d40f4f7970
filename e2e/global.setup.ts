import { test as setup } from "@playwright/test";
import { signIn } from "./helpers";
import { E2E } from "./settings";

/** Signs the admin in once; stories that are not about signing in reuse this session. */
setup("sign in as admin", async ({ page }) => {
  await signIn(page, E2E.admin.email, E2E.admin.password);
  await page.context().storageState({ path: E2E.adminState });
});
